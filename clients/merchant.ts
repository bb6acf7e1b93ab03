import { BillFields, PaymentConnectionFields } from "./common";
import { TicketFields } from "./tickets";
import { graphql, type ResultOf, type VariablesOf } from "./graphql";

/** The documents a store's back office and a partner share: the event list, searches, payouts (docs/events.md). */

export const WebhookEventFields = graphql(`fragment WebhookEventFields on WebhookEvent { id type createdAt body }`);
export type WebhookEvent = ResultOf<typeof WebhookEventFields>;

export const Events = graphql(
  `query Events($first: Int, $after: String, $types: [String!]) { events(first: $first, after: $after, types: $types) { nodes { ...WebhookEventFields } nextCursor } }`,
  [WebhookEventFields],
);
export type WebhookEventPage = ResultOf<typeof Events>["events"];

export const RedeliverEvent = graphql(`mutation RedeliverEvent($id: ID!) { redeliverEvent(id: $id) { ...WebhookEventFields } }`, [WebhookEventFields]);

export const SearchPayments = graphql(
  `query SearchPayments($filter: PaymentSearchInput, $first: Int, $after: String) { searchPayments(filter: $filter, first: $first, after: $after) { ...PaymentConnectionFields } }`,
  [PaymentConnectionFields],
);
export type PaymentSearch = NonNullable<VariablesOf<typeof SearchPayments>["filter"]>;

export const SearchBills = graphql(
  `query SearchBills($filter: BillSearchInput, $first: Int, $after: String) { searchBills(filter: $filter, first: $first, after: $after) { nodes { ...BillFields } nextCursor } }`,
  [BillFields],
);
export type BillSearch = NonNullable<VariablesOf<typeof SearchBills>["filter"]>;
export type BillPage = ResultOf<typeof SearchBills>["searchBills"];

export const SearchTickets = graphql(
  `query SearchTickets($filter: TicketSearchInput, $first: Int, $after: String) { searchTickets(filter: $filter, first: $first, after: $after) { nodes { ...TicketFields } nextCursor } }`,
  [TicketFields],
);
export type TicketSearch = NonNullable<VariablesOf<typeof SearchTickets>["filter"]>;
export type TicketPage = ResultOf<typeof SearchTickets>["searchTickets"];

export const StorePayouts = graphql(`
  query StorePayouts($from: String!, $to: String!, $storeId: ID) {
    storePayouts(from: $from, to: $to, storeId: $storeId) { date institution currency sales amountApproved amountRefunded amountVoided net } }
`);
export type StorePayout = ResultOf<typeof StorePayouts>["storePayouts"][number];

export const StorePayoutsExport = graphql(`
  query StorePayoutsExport($from: String!, $to: String!, $format: PayoutFormat!, $storeId: ID) {
    storePayoutsExport(from: $from, to: $to, format: $format, storeId: $storeId) }
`);
export type PayoutFormat = VariablesOf<typeof StorePayoutsExport>["format"];
