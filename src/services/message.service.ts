import { InboxEntryEntity, MembershipEntity, MessageEntity } from "../entities";
import type { Caller } from "./caller";
import type { ServiceDeps } from "./deps";
import { notFound } from "./errors";
import { requireCustomer } from "./guards";
import { newId } from "./ids";
import type { ProgramService } from "./program.service";
import { requireText } from "./validation";

export interface InboxMessage {
  id: string;
  title: string;
  body: string;
  sentAt: Date;
  read: boolean;
}

const INSERT_CHUNK = 500;
const INBOX_LIMIT = 200;

/**
 * Direct mail: a program's partner writes once; every member gets it in their inbox (in
 * the same transaction) and, if connected, live on the `messages` subscription (after
 * the commit).
 */
export class MessageService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly programs: ProgramService,
  ) {}

  /** Returns how many members it reached. FORBIDDEN for another partner's program. */
  async sendMessage(caller: Caller, programId: string, titleInput: string, bodyInput: string): Promise<number> {
    await this.programs.ownProgram(caller, programId);
    const message = Object.assign(new MessageEntity(), {
      id: newId(),
      programId,
      title: requireText(titleInput, "title", 100),
      body: requireText(bodyInput, "body", 10_000),
      sentAt: this.deps.clock.now(),
    });
    const customerIds = await this.deps.db.tx(async (m) => {
      await m.insert(MessageEntity, message);
      const members = await m.find(MembershipEntity, { where: { programId }, select: { customerId: true } });
      const ids = members.map((member) => member.customerId);
      for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
        await m.insert(
          InboxEntryEntity,
          ids.slice(i, i + INSERT_CHUNK).map((customerId) => ({
            id: newId(),
            messageId: message.id,
            customerId,
            readAt: null,
            createdAt: message.sentAt,
          })),
        );
      }
      return ids;
    });
    this.deps.events.messageSent(customerIds, {
      id: message.id,
      title: message.title,
      body: message.body,
      sentAt: message.sentAt.toISOString(),
      read: false,
    });
    return customerIds.length;
  }

  /** The phone's inbox, newest first. */
  async messages(caller: Caller): Promise<InboxMessage[]> {
    const { customerId } = requireCustomer(caller);
    const rows = await this.deps.db.read((m) =>
      m
        .createQueryBuilder(InboxEntryEntity, "i")
        .innerJoinAndMapOne("i.message", MessageEntity, "msg", "msg.id = i.messageId")
        .where("i.customerId = :customerId", { customerId })
        .orderBy("i.id", "DESC")
        .limit(INBOX_LIMIT)
        .getMany(),
    );
    return rows.map((row) => toInbox(row, (row as InboxEntryEntity & { message: MessageEntity }).message));
  }

  async markMessageRead(caller: Caller, messageId: string): Promise<InboxMessage> {
    const { customerId } = requireCustomer(caller);
    return this.deps.db.tx(async (m) => {
      const entry = await m.findOneBy(InboxEntryEntity, { messageId, customerId });
      if (!entry) return notFound("message");
      if (!entry.readAt) {
        entry.readAt = this.deps.clock.now();
        await m.update(InboxEntryEntity, { id: entry.id }, { readAt: entry.readAt });
      }
      return toInbox(entry, await m.findOneByOrFail(MessageEntity, { id: messageId }));
    });
  }
}

const toInbox = (entry: InboxEntryEntity, message: MessageEntity): InboxMessage => ({
  id: message.id,
  title: message.title,
  body: message.body,
  sentAt: message.sentAt,
  read: entry.readAt !== null,
});
