import { InboxEntryEntity, MessageEntity, ProgramEntity, type MemberNotice } from "../../entities";
import type { Caller } from "../kernel/caller";
import type { ServiceDeps } from "../kernel/deps";
import { notFound } from "../kernel/errors";
import { requireCustomer } from "../kernel/guards";
import { newId } from "../kernel/ids";
import { audienceCustomers, checkAudience, type Audience } from "./message-audience";
import type { ProgramService } from "./program.service";
import { requireText } from "../kernel/validation";

export interface InboxMessage {
  id: string;
  title: string;
  body: string;
  sentAt: Date;
  read: boolean;
  /** A notice about the member's own points, as facts; null for a program's mail. */
  notice: MemberNotice | null;
}

const INSERT_CHUNK = 500;
const INBOX_LIMIT = 200;

/**
 * Direct mail: a program's partner writes once, to every member, one member or a
 * segment (message-audience.ts); each member reached gets it in their inbox (in the same
 * transaction) and, if connected, live on the `messages` subscription (after the
 * commit). A member gets at most MESSAGES_PER_MEMBER_PER_DAY of one program's messages
 * in any 24 hours; the rest of a send skips them.
 */
export class MessageService {
  constructor(
    private readonly deps: ServiceDeps,
    private readonly programs: ProgramService,
  ) {}

  /** Returns how many members it reached. FORBIDDEN for another partner's program. */
  async sendMessage(caller: Caller, programId: string, titleInput: string, bodyInput: string, audienceInput: Audience = {}): Promise<number> {
    await this.programs.ownProgram(caller, programId);
    const audience = checkAudience(audienceInput);
    const message = Object.assign(new MessageEntity(), {
      id: newId(),
      programId,
      title: requireText(titleInput, "title", 100),
      body: requireText(bodyInput, "body", 10_000),
      sentAt: this.deps.clock.now(),
      notice: null,
    });
    const cap = this.deps.config.rateLimits.messagesPerMemberPerDay;
    const customerIds = await this.deps.db.tx(async (tx) => {
      // One send per program at a time, so two sent at once cannot both pass the cap: the
      // program's row is written first, which locks it on one server and, on Galera, makes
      // a send racing on another node fail certification and run again, then seeing this
      // one (SQLite runs one transaction at a time anyway).
      await tx.update(ProgramEntity, { id: programId }, { messageSends: () => "messageSends + 1" });
      const ids = await audienceCustomers(tx, programId, audience, cap, message.sentAt);
      if (ids.length === 0) return ids;
      await tx.insert(MessageEntity, message);
      for (let i = 0; i < ids.length; i += INSERT_CHUNK) {
        await tx.insert(
          InboxEntryEntity,
          ids.slice(i, i + INSERT_CHUNK).map((customerId) => ({
            id: newId(),
            messageId: message.id,
            programId,
            customerId,
            readAt: null,
            createdAt: message.sentAt,
          })),
        );
      }
      // Each member's phone hears of it with the app closed too (push/).
      const notice = { kind: "message" as const, messageId: message.id, title: message.title, body: message.body };
      for (const customerId of ids) this.deps.notices?.tell(tx, customerId, notice);
      return ids;
    });
    if (customerIds.length === 0) return 0;
    this.deps.events.messageSent(customerIds, {
      id: message.id,
      title: message.title,
      body: message.body,
      sentAt: message.sentAt.toISOString(),
      read: false,
      notice: null,
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
    return this.deps.db.tx(async (tx) => {
      const entry = await tx.findOneBy(InboxEntryEntity, { messageId, customerId });
      if (!entry) return notFound("message");
      if (!entry.readAt) {
        entry.readAt = this.deps.clock.now();
        await tx.update(InboxEntryEntity, { id: entry.id }, { readAt: entry.readAt });
      }
      return toInbox(entry, await tx.findOneByOrFail(MessageEntity, { id: messageId }));
    });
  }
}

const toInbox = (entry: InboxEntryEntity, message: MessageEntity): InboxMessage => ({
  id: message.id,
  title: message.title,
  body: message.body,
  sentAt: message.sentAt,
  read: entry.readAt !== null,
  notice: message.notice ?? null,
});
