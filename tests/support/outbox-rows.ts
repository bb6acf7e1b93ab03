import { randomUUID } from "node:crypto";
import type { DataSource } from "typeorm";
import { OutboxMessageEntity } from "../../src/entities";
import { defaultDestination } from "../../src/services/delivery/outbox.service";

/**
 * Inserts an outbox row by hand, due now: a message only a poller delivers (no lease),
 * or, with `leaseId` and `lockedUntil`, one an instance inserted to deliver itself and
 * then died before it could.
 */
export async function insertOutboxRow(
  dataSource: DataSource,
  message: { topic: string; payload: Record<string, unknown>; destination?: string; leaseId?: string; lockedUntil?: Date; now?: Date },
): Promise<OutboxMessageEntity> {
  const now = message.now ?? new Date();
  const row = Object.assign(new OutboxMessageEntity(), {
    id: randomUUID(),
    topic: message.topic,
    destination: message.destination ?? defaultDestination(message.topic),
    payload: message.payload,
    attempts: 0,
    nextAttemptAt: now,
    lockedUntil: message.lockedUntil ?? null,
    leaseId: message.leaseId ?? null,
    lastError: null,
    createdAt: now,
    deliveredAt: null,
    deadAt: null,
    revivedAt: null,
  });
  // TypeORM's insert type cannot see that a JSON column takes any object.
  await dataSource.manager.save(OutboxMessageEntity, row);
  return row;
}
