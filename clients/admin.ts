import { WalletClient, type ClientOptions } from "./common";
import { StorePayouts, StorePayoutsExport, type PayoutFormat, type StorePayout } from "./merchant";
import { graphql, type ResultOf, type VariablesOf } from "./graphql";
import type { Customer } from "./phone";

const ApiKeyInfoFields = graphql(`fragment ApiKeyInfoFields on ApiKeyInfo { id role ownerId createdAt lastUsedAt revokedAt }`);
export type ApiKeyInfo = ResultOf<typeof ApiKeyInfoFields>;
export type ApiKeyRole = ApiKeyInfo["role"];

/** An outbox delivery given up after OUTBOX_GIVE_UP_AFTER_DAYS of failures (never its payload); `diedAt` is null once retried. */
const DeadMessageFields = graphql(`fragment DeadMessageFields on DeadMessage { id topic destination attempts lastError createdAt diedAt }`);
export type DeadMessage = ResultOf<typeof DeadMessageFields>;

const EnrollCustomer = graphql(`mutation EnrollCustomer($input: EnrollCustomerInput!) { enrollCustomer(input: $input) { id phone name confirmAbove } }`);
export type EnrollCustomerInput = VariablesOf<typeof EnrollCustomer>["input"];
const CreateStore = graphql(`
  mutation CreateStore($name: String!, $currency: String!, $programId: ID, $webhookUrl: String, $timeZone: String) {
    createStore(name: $name, currency: $currency, programId: $programId, webhookUrl: $webhookUrl, timeZone: $timeZone) { id name currency timeZone webhookSecret } }
`);
export type Store = ResultOf<typeof CreateStore>["createStore"];
const CreatePartner = graphql(`mutation CreatePartner($name: String!, $webhookUrl: String) { createPartner(name: $name, webhookUrl: $webhookUrl) { id name webhookSecret } }`);
export type CreatedPartner = ResultOf<typeof CreatePartner>["createPartner"];
const CreateProgram = graphql(`
  mutation CreateProgram($name: String!, $partnerId: ID!, $pointsPerUnit: Float!, $pointValue: Int!, $expiryDays: Int!) {
    createProgram(name: $name, partnerId: $partnerId, pointsPerUnit: $pointsPerUnit, pointValue: $pointValue, expiryDays: $expiryDays) { id name } }
`);
export type ProgramInput = VariablesOf<typeof CreateProgram>;
export type Program = ResultOf<typeof CreateProgram>["createProgram"];
const IssueApiKey = graphql(`mutation IssueApiKey($role: ApiKeyRole!, $ownerId: ID!) { issueApiKey(role: $role, ownerId: $ownerId) { id role key } }`);
export type IssuedApiKey = ResultOf<typeof IssueApiKey>["issueApiKey"];
const KeepBooksCopy = graphql(`mutation KeepBooksCopy($enabled: Boolean!, $ownerId: ID) { keepBooksCopy(enabled: $enabled, ownerId: $ownerId) }`);
const ApiKeys = graphql(`query ApiKeys($ownerId: ID) { apiKeys(ownerId: $ownerId) { ...ApiKeyInfoFields } }`, [ApiKeyInfoFields]);
const RevokeApiKey = graphql(`mutation RevokeApiKey($id: ID!) { revokeApiKey(id: $id) { ...ApiKeyInfoFields } }`, [ApiKeyInfoFields]);
const DeadMessages = graphql(
  `query DeadMessages($first: Int, $after: String) { deadMessages(first: $first, after: $after) { nodes { ...DeadMessageFields } nextCursor } }`,
  [DeadMessageFields],
);
export type DeadMessagePage = ResultOf<typeof DeadMessages>["deadMessages"];
const RetryDeadMessage = graphql(`mutation RetryDeadMessage($id: ID!) { retryDeadMessage(id: $id) { ...DeadMessageFields } }`, [DeadMessageFields]);
const EndCustomerSessions = graphql(`mutation EndCustomerSessions($customerId: ID!) { endCustomerSessions(customerId: $customerId) }`);

/** The back office's client (ADMIN_TOKEN): customers, stores, partners, API keys. */
export class AdminClient extends WalletClient {
  constructor(url: string, adminToken: string, options?: ClientOptions) {
    super(url, adminToken, options);
  }

  async enrollCustomer(input: EnrollCustomerInput): Promise<Customer> {
    return (await this.request(EnrollCustomer, { input })).enrollCustomer;
  }

  /** `webhookSecret` (when a webhook URL is given) verifies the store's webhooks; it is shown here and nowhere else. */
  async createStore(name: string, currency: string, programId?: string, options: { webhookUrl?: string; timeZone?: string } = {}): Promise<Store> {
    return (await this.request(CreateStore, { name, currency, programId, ...options })).createStore;
  }

  /** `webhookSecret` verifies the partner's webhooks; it is shown here and nowhere else. */
  /** Opts a partner or store (by id) in or out of the books.sealed webhook (docs/books.md); it needs a webhook URL. */
  async keepBooksCopy(ownerId: string, enabled: boolean): Promise<boolean> {
    return (await this.request(KeepBooksCopy, { enabled, ownerId })).keepBooksCopy;
  }

  async createPartner(name: string, webhookUrl?: string): Promise<CreatedPartner> {
    return (await this.request(CreatePartner, { name, webhookUrl })).createPartner;
  }

  async createProgram(input: ProgramInput): Promise<Program> {
    return (await this.request(CreateProgram, input)).createProgram;
  }

  async issueApiKey(role: ApiKeyRole, ownerId: string): Promise<IssuedApiKey> {
    return (await this.request(IssueApiKey, { role, ownerId })).issueApiKey;
  }

  /** Keys, all or one owner's, newest first; never the keys themselves. */
  async apiKeys(ownerId?: string): Promise<ApiKeyInfo[]> {
    return (await this.request(ApiKeys, { ownerId })).apiKeys;
  }

  /** The key is refused from now on, on every instance, and sockets opened with it close. */
  async revokeApiKey(id: string): Promise<ApiKeyInfo> {
    return (await this.request(RevokeApiKey, { id })).revokeApiKey;
  }

  /** What the center owes a store per day (YYYY-MM-DD, the store's time zone, both included) and card institution. */
  async storePayouts(storeId: string, from: string, to: string): Promise<StorePayout[]> {
    return (await this.request(StorePayouts, { storeId, from, to })).storePayouts;
  }

  /** The payouts as a CSV or JSON file's text. */
  async storePayoutsExport(storeId: string, from: string, to: string, format: PayoutFormat): Promise<string> {
    return (await this.request(StorePayoutsExport, { storeId, from, to, format })).storePayoutsExport;
  }

  /** Dead outbox messages, newest first; pass `nextCursor` as `after` for the next page. */
  async deadMessages(first?: number, after?: string): Promise<DeadMessagePage> {
    return (await this.request(DeadMessages, { first, after })).deadMessages;
  }

  /** Makes a dead message due now, its attempts reset (NOT_FOUND unless it is dead). */
  async retryDeadMessage(id: string): Promise<DeadMessage> {
    return (await this.request(RetryDeadMessage, { id })).retryDeadMessage;
  }

  /** A lost phone: every session of the customer ends; answers how many were live. */
  async endCustomerSessions(customerId: string): Promise<number> {
    return (await this.request(EndCustomerSessions, { customerId })).endCustomerSessions;
  }
}
