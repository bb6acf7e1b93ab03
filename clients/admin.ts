import { WalletClient, type ClientOptions } from "./common";
import type { Customer } from "./phone";

export type ApiKeyRole = "REGISTER" | "GATE" | "PARTNER";

export interface ApiKeyInfo {
  id: string;
  role: ApiKeyRole;
  ownerId: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const API_KEY_INFO = "id role ownerId createdAt lastUsedAt revokedAt";

/** An outbox delivery given up after OUTBOX_GIVE_UP_AFTER_DAYS of failures (never its payload). */
export interface DeadMessage {
  id: string;
  topic: string;
  destination: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  /** Null once retried. */
  diedAt: string | null;
}

const DEAD_MESSAGE = "id topic destination attempts lastError createdAt diedAt";

/** The back office's client (ADMIN_TOKEN): customers, stores, partners, API keys. */
export class AdminClient extends WalletClient {
  constructor(url: string, adminToken: string, options?: ClientOptions) {
    super(url, adminToken, options);
  }

  async enrollCustomer(input: { phone: string; name: string; password: string; address?: string }): Promise<Customer> {
    const query = `mutation ($input: EnrollCustomerInput!) { enrollCustomer(input: $input) { id phone name confirmAbove } }`;
    return (await this.request<{ enrollCustomer: Customer }>(query, { input })).enrollCustomer;
  }

  /** `webhookSecret` (when a webhook URL is given) verifies the store's webhooks; it is shown here and nowhere else. */
  async createStore(
    name: string,
    currency: string,
    programId?: string,
    options: { webhookUrl?: string; timeZone?: string } = {},
  ): Promise<{ id: string; name: string; currency: string; timeZone: string; webhookSecret: string | null }> {
    const query = `mutation ($name: String!, $currency: String!, $programId: ID, $webhookUrl: String, $timeZone: String) {
      createStore(name: $name, currency: $currency, programId: $programId, webhookUrl: $webhookUrl, timeZone: $timeZone) {
        id name currency timeZone webhookSecret } }`;
    type Created = { id: string; name: string; currency: string; timeZone: string; webhookSecret: string | null };
    return (await this.request<{ createStore: Created }>(query, { name, currency, programId, ...options })).createStore;
  }

  /** `webhookSecret` verifies the partner's webhooks; it is shown here and nowhere else. */
  async createPartner(name: string, webhookUrl?: string): Promise<{ id: string; name: string; webhookSecret: string }> {
    const query = `mutation ($name: String!, $webhookUrl: String) { createPartner(name: $name, webhookUrl: $webhookUrl) { id name webhookSecret } }`;
    return (await this.request<{ createPartner: { id: string; name: string; webhookSecret: string } }>(query, { name, webhookUrl })).createPartner;
  }

  async createProgram(input: {
    name: string;
    partnerId: string;
    pointsPerUnit: number;
    pointValue: number;
    expiryDays: number;
  }): Promise<{ id: string; name: string }> {
    const query = `mutation ($name: String!, $partnerId: ID!, $pointsPerUnit: Float!, $pointValue: Int!, $expiryDays: Int!) {
      createProgram(name: $name, partnerId: $partnerId, pointsPerUnit: $pointsPerUnit, pointValue: $pointValue, expiryDays: $expiryDays) { id name } }`;
    return (await this.request<{ createProgram: { id: string; name: string } }>(query, input)).createProgram;
  }

  async issueApiKey(role: ApiKeyRole, ownerId: string): Promise<{ id: string; role: ApiKeyRole; key: string }> {
    const query = `mutation ($role: ApiKeyRole!, $ownerId: ID!) { issueApiKey(role: $role, ownerId: $ownerId) { id role key } }`;
    return (await this.request<{ issueApiKey: { id: string; role: ApiKeyRole; key: string } }>(query, { role, ownerId })).issueApiKey;
  }

  /** Keys, all or one owner's, newest first; never the keys themselves. */
  async apiKeys(ownerId?: string): Promise<ApiKeyInfo[]> {
    const query = `query ($ownerId: ID) { apiKeys(ownerId: $ownerId) { ${API_KEY_INFO} } }`;
    return (await this.request<{ apiKeys: ApiKeyInfo[] }>(query, { ownerId })).apiKeys;
  }

  /** The key is refused from now on, on every instance, and sockets opened with it close. */
  async revokeApiKey(id: string): Promise<ApiKeyInfo> {
    const query = `mutation ($id: ID!) { revokeApiKey(id: $id) { ${API_KEY_INFO} } }`;
    return (await this.request<{ revokeApiKey: ApiKeyInfo }>(query, { id })).revokeApiKey;
  }

  /** Dead outbox messages, newest first; pass `nextCursor` as `after` for the next page. */
  async deadMessages(first?: number, after?: string): Promise<{ nodes: DeadMessage[]; nextCursor: string | null }> {
    const query = `query ($first: Int, $after: String) { deadMessages(first: $first, after: $after) { nodes { ${DEAD_MESSAGE} } nextCursor } }`;
    return (await this.request<{ deadMessages: { nodes: DeadMessage[]; nextCursor: string | null } }>(query, { first, after })).deadMessages;
  }

  /** Makes a dead message due now, its attempts reset (NOT_FOUND unless it is dead). */
  async retryDeadMessage(id: string): Promise<DeadMessage> {
    const query = `mutation ($id: ID!) { retryDeadMessage(id: $id) { ${DEAD_MESSAGE} } }`;
    return (await this.request<{ retryDeadMessage: DeadMessage }>(query, { id })).retryDeadMessage;
  }

  /** A lost phone: every session of the customer ends; answers how many were live. */
  async endCustomerSessions(customerId: string): Promise<number> {
    const query = `mutation ($customerId: ID!) { endCustomerSessions(customerId: $customerId) }`;
    return (await this.request<{ endCustomerSessions: number }>(query, { customerId })).endCustomerSessions;
  }
}
