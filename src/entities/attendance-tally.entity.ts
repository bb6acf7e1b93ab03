import { Entity, PrimaryColumn, Column } from "typeorm";

/**
 * An event's running tallies, which attendance reads instead of counting its tickets and
 * admissions (services/tickets/tallies.ts). Each is moved by a relative UPDATE in the
 * transaction of the change that moves it. The gates' tallies are kept per gate, so no
 * row is written by every gate's scans (on a multi-primary cluster such a row would make
 * every admission conflict with every other); the event's figure is their sum.
 */

/** What the shop's own writes move: the tickets issued and not revoked. */
@Entity({ name: "event_tallies" })
export class EventTallyEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) eventId: string;
  @Column({ type: "int", default: 0 }) ticketsIssued: number;
}

/**
 * One gate's part (gate "" for a gate without a name): visitors it counted, entries and
 * exits that stand, and the holders it let in less those it let out (or undid), which
 * summed over the gates is how many are inside; one gate's `inside` alone means nothing.
 */
@Entity({ name: "gate_tallies" })
export class GateTallyEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) eventId: string;
  @PrimaryColumn({ type: "varchar", length: 50 }) gate: string;
  @Column({ type: "int", default: 0 }) visitors: number;
  @Column({ type: "int", default: 0 }) admitted: number;
  @Column({ type: "int", default: 0 }) exited: number;
  @Column({ type: "int", default: 0 }) inside: number;
}

/** Tickets admitted for a check-in list (each once, however often), not undone. */
@Entity({ name: "list_tallies" })
export class ListTallyEntity {
  @PrimaryColumn({ type: "varchar", length: 36 }) eventId: string;
  @PrimaryColumn({ type: "varchar", length: 36 }) listId: string;
  @Column({ type: "int", default: 0 }) admitted: number;
}
