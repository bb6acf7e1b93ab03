import { BillFields, MembershipFields, PaymentFields, PaymentReceiptFields, PaymentWithPointsFields, WalletApiError, WalletClient, type Bill, type BillStatus, type ClientOptions, type Membership, type Payment, type PaymentConnection, type PaymentWithPoints } from "./common";
import { approvalVariables, type DeviceKey } from "./device-key";
import { graphql, type ResultOf, type VariablesOf } from "./graphql";
import { LiveConnection, type LiveFeed } from "./live";
import { TicketFields, TicketHistoryFields, TicketOfferFields, type Ticket, type TicketHistory, type TicketOffer } from "./tickets";

const CustomerFields = graphql(`fragment CustomerFields on Customer { id phone name confirmAbove }`);
export type Customer = ResultOf<typeof CustomerFields>;

const CardFields = graphql(`fragment CardFields on Card { id selector kind institution brand last4 expiryMonth expiryYear label status expired }`);
export type Card = ResultOf<typeof CardFields>;
export type CardKind = Card["kind"];
export type CardStatus = Card["status"];

const ConfirmationRequestFields = graphql(`fragment ConfirmationRequestFields on ConfirmationRequest { id expiresAt payment { ...PaymentFields } }`, [PaymentFields]);
export type ConfirmationRequest = ResultOf<typeof ConfirmationRequestFields>;

const MessageFields = graphql(`fragment MessageFields on Message { id title body sentAt read notice { kind programName points balance storeName reason } }`);
export type Message = ResultOf<typeof MessageFields>;

// The QR images are drawn only when asked for: the PNG costs the server most.
const IssuedCodeFields = graphql(`fragment IssuedCodeFields on IssuedCode { code kind expiresAt qrSvg @include(if: $svg) qrPng @include(if: $png) }`);
/** `qrSvg` and `qrPng` are present when asked for (the default is SVG only). */
export type IssuedCode = ResultOf<typeof IssuedCodeFields>;

/** Which QR images to have drawn with a code: the PNG costs the server most. */
export type QrImages = "svg" | "png" | "both" | "none";

/**
 * Who holds the phone (docs/user-verification.md): a passkey's assertion (the browser's
 * AuthenticationResponseJSON as JSON text, answering `userVerificationOptions()`) or the payment PIN.
 */
export type UserVerification = { webAuthn: string; pin?: null } | { pin: string; webAuthn?: null };

/** The password, or a registered DeviceKey that signs a proof instead (clients/device-key.ts). */
export type Approval = string | DeviceKey;

const DeviceFields = graphql(`fragment DeviceFields on Device { id name algorithm createdAt lastUsedAt revokedAt offlineMaxAmount offlineMaxCount }`);
export type Device = ResultOf<typeof DeviceFields>;

const images = (which: QrImages) => ({ svg: which === "svg" || which === "both", png: which === "png" || which === "both" });

const Login = graphql(
  `mutation Login($phone: String!, $password: String!) { login(phone: $phone, password: $password) { token expiresAt customer { ...CustomerFields } } }`,
  [CustomerFields],
);
const StartSignUp = graphql(`mutation StartSignUp($phone: String!) { startSignUp(phone: $phone) }`);
const CompleteSignUp = graphql(
  `mutation CompleteSignUp($phone: String!, $code: String!, $name: String!, $password: String!) {
    completeSignUp(phone: $phone, code: $code, name: $name, password: $password) { token expiresAt customer { ...CustomerFields } } }`,
  [CustomerFields],
);
const Logout = graphql(`mutation Logout { logout }`);
const Me = graphql(`query Me { me { ...CustomerFields } }`, [CustomerFields]);
const AddCard = graphql(`mutation AddCard($input: AddCardInput!) { addCard(input: $input) { ...CardFields } }`, [CardFields]);
export type AddCardInput = VariablesOf<typeof AddCard>["input"];
const RemoveCard = graphql(`mutation RemoveCard($cardId: ID!) { removeCard(cardId: $cardId) { ...CardFields } }`, [CardFields]);
const UpdateCardExpiry = graphql(
  `mutation UpdateCardExpiry($cardId: ID!, $expiryMonth: Int!, $expiryYear: Int!) {
    updateCardExpiry(cardId: $cardId, expiryMonth: $expiryMonth, expiryYear: $expiryYear) { ...CardFields } }`,
  [CardFields],
);
const DailyLimitsFields = graphql(
  `fragment DailyLimitsFields on DailyLimits { maxAmount maxCount ceilingAmount ceilingCount day timeZone spentToday paymentsToday }`,
);
export type DailyLimits = ResultOf<typeof DailyLimitsFields>;
const DailyLimitsQuery = graphql(`query DailyLimits { dailyLimits { ...DailyLimitsFields } }`, [DailyLimitsFields]);
const SetDailyLimits = graphql(
  `mutation SetDailyLimits($maxAmount: Int, $maxCount: Int, $password: String!) {
    setDailyLimits(maxAmount: $maxAmount, maxCount: $maxCount, password: $password) { ...DailyLimitsFields } }`,
  [DailyLimitsFields],
);
const Cards = graphql(`query Cards { cards { ...CardFields } }`, [CardFields]);
const SetCardStatus = graphql(
  `mutation SetCardStatus($cardId: ID!, $status: CardStatus!, $password: String!) {
    setCardStatus(cardId: $cardId, status: $status, password: $password) { ...CardFields } }`,
  [CardFields],
);
const IssuePaymentCode = graphql(
  `mutation IssuePaymentCode($cardId: ID!, $password: String, $proof: DeviceProofInput, $maxAmount: Int, $verification: UserVerificationInput, $svg: Boolean!, $png: Boolean!) {
    issuePaymentCode(cardId: $cardId, password: $password, proof: $proof, maxAmount: $maxAmount, verification: $verification) { ...IssuedCodeFields } }`,
  [IssuedCodeFields],
);
const Payments = graphql(
  // With each payment's receipt: the history shows it, checked, and as a QR.
  `query Payments($first: Int, $after: String) { payments(first: $first, after: $after) { nodes { ...PaymentFields ...PaymentReceiptFields } nextCursor } }`,
  [PaymentFields, PaymentReceiptFields],
);
const SetConfirmAbove = graphql(`mutation SetConfirmAbove($amount: Int) { setConfirmAbove(amount: $amount) { ...CustomerFields } }`, [CustomerFields]);
const RespondToConfirmation = graphql(
  `mutation RespondToConfirmation($requestId: ID!, $approve: Boolean!, $password: String, $proof: DeviceProofInput, $verification: UserVerificationInput) {
    respondToConfirmation(requestId: $requestId, approve: $approve, password: $password, proof: $proof, verification: $verification) { ...PaymentWithPointsFields } }`,
  [PaymentWithPointsFields],
);
const PendingConfirmations = graphql(`query PendingConfirmations { pendingConfirmations { ...ConfirmationRequestFields } }`, [ConfirmationRequestFields]);
const ConfirmationRequests = graphql(`subscription ConfirmationRequests { confirmationRequests { ...ConfirmationRequestFields } }`, [
  ConfirmationRequestFields,
]);
const PaymentUpdates = graphql(`subscription PaymentUpdates { paymentUpdates { ...PaymentFields } }`, [PaymentFields]);
const Bills = graphql(`query Bills($status: BillStatus) { bills(status: $status) { ...BillFields } }`, [BillFields]);
const IssueBillCode = graphql(
  `mutation IssueBillCode($billId: ID!, $password: String, $proof: DeviceProofInput, $svg: Boolean!, $png: Boolean!) {
    issueBillCode(billId: $billId, password: $password, proof: $proof) { ...IssuedCodeFields } }`,
  [IssuedCodeFields],
);
const Tickets = graphql(`query Tickets { tickets { ...TicketFields } }`, [TicketFields]);
const IssueTicketCode = graphql(
  `mutation IssueTicketCode($ticketId: ID!, $password: String, $proof: DeviceProofInput, $svg: Boolean!, $png: Boolean!) {
    issueTicketCode(ticketId: $ticketId, password: $password, proof: $proof) { ...IssuedCodeFields } }`,
  [IssuedCodeFields],
);
const AllotTicket = graphql(`mutation AllotTicket($ticketId: ID!, $toPhone: String!) { allotTicket(ticketId: $ticketId, toPhone: $toPhone) { ...TicketFields } }`, [
  TicketFields,
]);
const TicketOffers = graphql(`query TicketOffers { ticketOffers { ...TicketOfferFields } }`, [TicketOfferFields]);
const OfferTicket = graphql(`mutation OfferTicket($ticketId: ID!, $toPhone: String!) { offerTicket(ticketId: $ticketId, toPhone: $toPhone) { ...TicketOfferFields } }`, [
  TicketOfferFields,
]);
const AcceptTicketOffer = graphql(
  `mutation AcceptTicketOffer($offerId: ID!, $attendeeName: String) { acceptTicketOffer(offerId: $offerId, attendeeName: $attendeeName) { ...TicketOfferFields } }`,
  [TicketOfferFields],
);
const DeclineTicketOffer = graphql(`mutation DeclineTicketOffer($offerId: ID!) { declineTicketOffer(offerId: $offerId) { ...TicketOfferFields } }`, [TicketOfferFields]);
const CancelTicketOffer = graphql(`mutation CancelTicketOffer($offerId: ID!) { cancelTicketOffer(offerId: $offerId) { ...TicketOfferFields } }`, [TicketOfferFields]);
const TicketOffersLive = graphql(`subscription TicketOffersLive { ticketOffers { ...TicketOfferFields } }`, [TicketOfferFields]);
const AppleWalletPass = graphql(
  `mutation AppleWalletPass($ticketId: ID, $programId: ID, $password: String, $proof: DeviceProofInput) {
    appleWalletPass(ticketId: $ticketId, programId: $programId, password: $password, proof: $proof) { serialNumber passTypeIdentifier downloadUrl pkpass } }`,
);
const GoogleWalletLink = graphql(
  `mutation GoogleWalletLink($ticketId: ID, $programId: ID, $password: String, $proof: DeviceProofInput) {
    googleWalletLink(ticketId: $ticketId, programId: $programId, password: $password, proof: $proof) { url objectId } }`,
);
const JoinProgram = graphql(`mutation JoinProgram($programId: ID!) { joinProgram(programId: $programId) { ...MembershipFields } }`, [MembershipFields]);
const SetMemberLookup = graphql(
  `mutation SetMemberLookup($programId: ID!, $allowed: Boolean!) { setMemberLookup(programId: $programId, allowed: $allowed) { ...MembershipFields } }`,
  [MembershipFields],
);
const Memberships = graphql(`query Memberships { memberships { ...MembershipFields } }`, [MembershipFields]);
const IssueMemberCode = graphql(
  `mutation IssueMemberCode($programId: ID!, $password: String, $proof: DeviceProofInput, $svg: Boolean!, $png: Boolean!) {
    issueMemberCode(programId: $programId, password: $password, proof: $proof) { ...IssuedCodeFields } }`,
  [IssuedCodeFields],
);
const Messages = graphql(`query Messages { messages { ...MessageFields } }`, [MessageFields]);
const MarkMessageRead = graphql(`mutation MarkMessageRead($id: ID!) { markMessageRead(id: $id) { ...MessageFields } }`, [MessageFields]);
const MessagesLive = graphql(`subscription MessagesLive { messages { ...MessageFields } }`, [MessageFields]);
const RegisterDevice = graphql(
  `mutation RegisterDevice($name: String!, $publicKey: String!, $password: String!) {
    registerDevice(name: $name, publicKey: $publicKey, password: $password) { ...DeviceFields } }`,
  [DeviceFields],
);
const Devices = graphql(`query Devices { devices { ...DeviceFields } }`, [DeviceFields]);
const RevokeDevice = graphql(`mutation RevokeDevice($deviceId: ID!) { revokeDevice(deviceId: $deviceId) { ...DeviceFields } }`, [DeviceFields]);
const PushSubscriptionFields = graphql(`fragment PushSubscriptionFields on PushSubscription { id label deviceId thisSession createdAt lastPushedAt }`);
export type PushSubscription = ResultOf<typeof PushSubscriptionFields>;
export type PushSubscriptionInput = VariablesOf<typeof RegisterPushSubscription>["input"];
const PushPublicKey = graphql(`query PushPublicKey { pushPublicKey }`);
const PushSubscriptions = graphql(`query PushSubscriptions { pushSubscriptions { ...PushSubscriptionFields } }`, [PushSubscriptionFields]);
const RegisterPushSubscription = graphql(
  `mutation RegisterPushSubscription($input: PushSubscriptionInput!) { registerPushSubscription(input: $input) { ...PushSubscriptionFields } }`,
  [PushSubscriptionFields],
);
const RemovePushSubscription = graphql(`mutation RemovePushSubscription($id: ID!) { removePushSubscription(id: $id) }`);
const IssueRotatingTicket = graphql(`
  mutation IssueRotatingTicket($ticketId: ID!, $proof: DeviceProofInput!) { issueRotatingTicket(ticketId: $ticketId, proof: $proof) { credential periodSeconds expiresAt } }
`);
export type RotatingTicket = ResultOf<typeof IssueRotatingTicket>["issueRotatingTicket"];
const TicketHistories = graphql(`query TicketHistories { tickets { ...TicketHistoryFields } }`, [TicketHistoryFields]);
const TakeBackTicket = graphql(`mutation TakeBackTicket($ticketId: ID!) { takeBackTicket(ticketId: $ticketId) { ...TicketHistoryFields } }`, [TicketHistoryFields]);
const SetOfflineLimits = graphql(
  `mutation SetOfflineLimits($deviceId: ID!, $maxAmount: Int!, $maxCount: Int!, $password: String!) {
    setOfflineLimits(deviceId: $deviceId, maxAmount: $maxAmount, maxCount: $maxCount, password: $password) { ...DeviceFields } }`,
  [DeviceFields],
);
const UserVerificationMethods = graphql(`query UserVerificationMethods { userVerificationMethods { passkeys pin pinTriesLeft } }`);
export type UserVerificationMethods = ResultOf<typeof UserVerificationMethods>["userVerificationMethods"];
const PasskeyRegistrationOptions = graphql(`mutation PasskeyRegistrationOptions($password: String!) { passkeyRegistrationOptions(password: $password) }`);
const RegisterPasskey = graphql(`mutation RegisterPasskey($response: String!, $name: String!) { registerPasskey(response: $response, name: $name) }`);
const UserVerificationOptions = graphql(`mutation UserVerificationOptions { userVerificationOptions }`);
const SetPaymentPin = graphql(`mutation SetPaymentPin($pin: String!, $password: String!) { setPaymentPin(pin: $pin, password: $password) }`);
const PaymentById = graphql(`query Payment($id: ID!) { payment(id: $id) { ...PaymentWithPointsFields } }`, [PaymentWithPointsFields]);

export type LoginResult = ResultOf<typeof Login>["login"];

/** The phone app's client: log in, manage the wallet's cards, get payment codes, read history. */
export class PhoneClient extends WalletClient {
  /** The phone's WebSocket, opened on the first subscription with the current session. */
  readonly live: LiveConnection;

  constructor(url: string, sessionToken?: string, options?: ClientOptions) {
    super(url, sessionToken, options);
    this.live = new LiveConnection(url, () => this.credential, options);
    this.live.onCredentialRefused = (closeCode) =>
      this.onCredentialRefused?.(new WalletApiError("UNAUTHENTICATED", `the server closed the live connection (${closeCode}): the session has ended`, { closeCode }));
  }

  get token(): string | null {
    return this.credential;
  }

  async login(phone: string, password: string): Promise<LoginResult> {
    const { login } = await this.request(Login, { phone, password });
    this.credential = login.token;
    return login;
  }

  /** Asks for a sign-up code by SMS; true whether or not the number is enrolled. */
  async startSignUp(phone: string): Promise<boolean> {
    return (await this.request(StartSignUp, { phone })).startSignUp;
  }

  /** Enrolls with the code the SMS brought, and logs in: this client then acts as the new customer. */
  async completeSignUp(input: VariablesOf<typeof CompleteSignUp>): Promise<LoginResult> {
    const { completeSignUp } = await this.request(CompleteSignUp, input);
    this.credential = completeSignUp.token;
    return completeSignUp;
  }

  async logout(): Promise<boolean> {
    const { logout } = await this.request(Logout);
    this.credential = null;
    return logout;
  }

  async me(): Promise<Customer> {
    return (await this.request(Me)).me;
  }

  async addCard(input: AddCardInput): Promise<Card> {
    return (await this.request(AddCard, { input })).addCard;
  }

  async cards(): Promise<Card[]> {
    return (await this.request(Cards)).cards;
  }

  /** Takes one of the customer's cards out of the wallet: its codes stop working, past payments still show it. */
  async removeCard(cardId: string): Promise<Card> {
    return (await this.request(RemoveCard, { cardId })).removeCard;
  }

  /** The renewed card's expiry: a card past its old one pays again with the status it had. */
  async updateCardExpiry(cardId: string, expiryMonth: number, expiryYear: number): Promise<Card> {
    return (await this.request(UpdateCardExpiry, { cardId, expiryMonth, expiryYear })).updateCardExpiry;
  }

  /** What the customer's payment codes may pay in a day, and what they paid today. */
  async dailyLimits(): Promise<DailyLimits> {
    return (await this.request(DailyLimitsQuery)).dailyLimits;
  }

  /** The customer's own day total and count (null: none of their own), at most the operator's ceiling. */
  async setDailyLimits(maxAmount: number | null, maxCount: number | null, password: string): Promise<DailyLimits> {
    return (await this.request(SetDailyLimits, { maxAmount, maxCount, password })).setDailyLimits;
  }

  async setCardStatus(cardId: string, status: CardStatus, password: string): Promise<Card> {
    return (await this.request(SetCardStatus, { cardId, status, password })).setCardStatus;
  }

  /** With `verification` while the customer has no confirmAbove and has set up a passkey or a PIN (docs/user-verification.md). */
  async issuePaymentCode(cardId: string, approval: Approval, maxAmount?: number | null, qr: QrImages = "svg", verification?: UserVerification | null): Promise<IssuedCode> {
    const approved = await approvalVariables(approval, "issuePaymentCode", { cardId, maxAmount });
    return (await this.request(IssuePaymentCode, { cardId, maxAmount, ...approved, verification, ...images(qr) })).issuePaymentCode;
  }

  async payments(first = 20, after?: string | null): Promise<PaymentConnection> {
    return (await this.request(Payments, { first, after })).payments;
  }

  async setConfirmAbove(amount: number | null): Promise<Customer> {
    return (await this.request(SetConfirmAbove, { amount })).setConfirmAbove;
  }

  /** Approving asks `verification` once the customer has set up a passkey or a PIN (docs/user-verification.md). */
  async respondToConfirmation(requestId: string, approve: boolean, approval: Approval, verification?: UserVerification | null): Promise<PaymentWithPoints> {
    const approved = await approvalVariables(approval, "respondToConfirmation", { requestId, approve });
    return (await this.request(RespondToConfirmation, { requestId, approve, ...approved, verification })).respondToConfirmation;
  }

  async pendingConfirmations(): Promise<ConfirmationRequest[]> {
    return (await this.request(PendingConfirmations)).pendingConfirmations;
  }

  /** Live: the server asks this phone to confirm a payment. */
  confirmationRequests(): LiveFeed<ConfirmationRequest> {
    return this.live.subscribe(ConfirmationRequests, (data) => data.confirmationRequests);
  }

  /** Live: this customer's payments as they change. */
  paymentUpdates(): LiveFeed<Payment> {
    return this.live.subscribe(PaymentUpdates, (data) => data.paymentUpdates);
  }

  /** Bills posted for this phone number, also those posted before the customer enrolled. */
  async bills(status?: BillStatus): Promise<Bill[]> {
    return (await this.request(Bills, { status })).bills;
  }

  async issueBillCode(billId: string, approval: Approval, qr: QrImages = "svg"): Promise<IssuedCode> {
    const approved = await approvalVariables(approval, "issueBillCode", { billId });
    return (await this.request(IssueBillCode, { billId, ...approved, ...images(qr) })).issueBillCode;
  }

  /** Tickets this phone number holds now (also those allotted to it by a friend). */
  async tickets(): Promise<Ticket[]> {
    return (await this.request(Tickets)).tickets;
  }

  async issueTicketCode(ticketId: string, approval: Approval, qr: QrImages = "svg"): Promise<IssuedCode> {
    const approved = await approvalVariables(approval, "issueTicketCode", { ticketId });
    return (await this.request(IssueTicketCode, { ticketId, ...approved, ...images(qr) })).issueTicketCode;
  }

  /**
   * A rotating ticket for `key` (a registered device, which signs its codes): show `rotatingTicketCode(credential, key)`
   * (clients/device-key.ts), a new one every `periodSeconds`, until `expiresAt`; no need to ask again.
   */
  async issueRotatingTicket(ticketId: string, key: DeviceKey): Promise<RotatingTicket> {
    return (await this.request(IssueRotatingTicket, { ticketId, proof: await key.prove("issueRotatingTicket", { ticketId }) })).issueRotatingTicket;
  }

  /** The tickets held now, with their uses and allotments (the giver's number masked). */
  async ticketHistories(): Promise<TicketHistory[]> {
    return (await this.request(TicketHistories)).tickets;
  }

  /** Takes back the ticket this phone allotted last, until it is used: the friend's codes stop working. */
  async takeBackTicket(ticketId: string): Promise<TicketHistory> {
    return (await this.request(TakeBackTicket, { ticketId })).takeBackTicket;
  }

  /** Gives a ticket to an acquaintance's phone number; codes issued before stop working. */
  async allotTicket(ticketId: string, toPhone: string): Promise<Ticket> {
    return (await this.request(AllotTicket, { ticketId, toPhone })).allotTicket;
  }

  /**
   * An Apple Wallet pass of a ticket (from its release time) or a membership: `downloadUrl`
   * for the phone's browser to open (Wallet offers to add it), `pkpass` the same file in
   * base64. Approved as a code is (docs/passes.md).
   */
  async appleWalletPass(of: { ticketId: string } | { programId: string }, approval: Approval) {
    const args = { ticketId: null, programId: null, ...of };
    const approved = await approvalVariables(approval, "appleWalletPass", args);
    return (await this.request(AppleWalletPass, { ...args, ...approved })).appleWalletPass;
  }

  /** A "Save to Google Wallet" link of a ticket (from its release time) or a membership, approved as a code is. */
  async googleWalletLink(of: { ticketId: string } | { programId: string }, approval: Approval) {
    const args = { ticketId: null, programId: null, ...of };
    const approved = await approvalVariables(approval, "googleWalletLink", args);
    return (await this.request(GoogleWalletLink, { ...args, ...approved })).googleWalletLink;
  }

  async joinProgram(programId: string): Promise<Membership> {
    return (await this.request(JoinProgram, { programId })).joinProgram;
  }

  /** Lets the program's registers find the member by phone number or customer number, or stops it. */
  async setMemberLookup(programId: string, allowed: boolean): Promise<Membership> {
    return (await this.request(SetMemberLookup, { programId, allowed })).setMemberLookup;
  }

  async memberships(): Promise<Membership[]> {
    return (await this.request(Memberships)).memberships;
  }

  async issueMemberCode(programId: string, approval: Approval, qr: QrImages = "svg"): Promise<IssuedCode> {
    const approved = await approvalVariables(approval, "issueMemberCode", { programId });
    return (await this.request(IssueMemberCode, { programId, ...approved, ...images(qr) })).issueMemberCode;
  }

  /** Ticket offers made to this phone or by it, newest first. */
  async ticketOffers(): Promise<TicketOffer[]> {
    return (await this.request(TicketOffers)).ticketOffers;
  }

  /** Offers an unused ticket to a phone number: it moves only when they accept. */
  async offerTicket(ticketId: string, toPhone: string): Promise<TicketOffer> {
    return (await this.request(OfferTicket, { ticketId, toPhone })).offerTicket;
  }

  /** Takes an offered ticket; `attendeeName` is shown at the gate. */
  async acceptTicketOffer(offerId: string, attendeeName?: string | null): Promise<TicketOffer> {
    return (await this.request(AcceptTicketOffer, { offerId, attendeeName: attendeeName ?? null })).acceptTicketOffer;
  }

  async declineTicketOffer(offerId: string): Promise<TicketOffer> {
    return (await this.request(DeclineTicketOffer, { offerId })).declineTicketOffer;
  }

  /** The giver withdraws an offer nobody has answered. */
  async cancelTicketOffer(offerId: string): Promise<TicketOffer> {
    return (await this.request(CancelTicketOffer, { offerId })).cancelTicketOffer;
  }

  /** Live: each offer made to this phone or by it, as it changes. */
  ticketOffersLive(): LiveFeed<TicketOffer> {
    return this.live.subscribe(TicketOffersLive, (data) => data.ticketOffers);
  }

  async messages(): Promise<Message[]> {
    return (await this.request(Messages)).messages;
  }

  async markMessageRead(id: string): Promise<Message> {
    return (await this.request(MarkMessageRead, { id })).markMessageRead;
  }

  /** Live: direct mail from the programs this customer belongs to. */
  messagesLive(): LiveFeed<Message> {
    return this.live.subscribe(MessagesLive, (data) => data.messages);
  }

  /** Registers the key's public half (the password is asked once) and names the key with its device id. */
  async registerDevice(key: DeviceKey, name: string, password: string): Promise<Device> {
    const { registerDevice } = await this.request(RegisterDevice, { name, publicKey: key.publicKey, password });
    key.deviceId = registerDevice.id;
    return registerDevice;
  }

  async devices(): Promise<Device[]> {
    return (await this.request(Devices)).devices;
  }

  /** From any session of the customer: the device's proofs are refused from now on. */
  async revokeDevice(deviceId: string): Promise<Device> {
    return (await this.request(RevokeDevice, { deviceId })).revokeDevice;
  }

  /** The VAPID public key a browser subscribes with (applicationServerKey), base64url; null: the server has push off. */
  async pushPublicKey(): Promise<string | null> {
    return (await this.request(PushPublicKey)).pushPublicKey;
  }

  /** The browsers that receive this customer's notifications, newest first. */
  async pushSubscriptions(): Promise<PushSubscription[]> {
    return (await this.request(PushSubscriptions)).pushSubscriptions;
  }

  /** This session's browser receives notifications while the app is closed (its PushSubscription's endpoint and keys). */
  async registerPushSubscription(input: PushSubscriptionInput): Promise<PushSubscription> {
    return (await this.request(RegisterPushSubscription, { input })).registerPushSubscription;
  }

  /** From any session of the customer: that browser hears nothing more. */
  async removePushSubscription(id: string): Promise<boolean> {
    return (await this.request(RemovePushSubscription, { id })).removePushSubscription;
  }

  /** What this device's offline payment tokens may pay in any 24 hours (the password is asked). */
  async setOfflineLimits(deviceId: string, maxAmount: number, maxCount: number, password: string): Promise<Device> {
    return (await this.request(SetOfflineLimits, { deviceId, maxAmount, maxCount, password })).setOfflineLimits;
  }

  /** The passkeys and the PIN this customer can be verified with. */
  async userVerificationMethods(): Promise<UserVerificationMethods> {
    return (await this.request(UserVerificationMethods)).userVerificationMethods;
  }

  /** Options for navigator.credentials.create() (PublicKeyCredentialCreationOptionsJSON); the password is asked. */
  async passkeyRegistrationOptions(password: string): Promise<Record<string, unknown>> {
    return JSON.parse((await this.request(PasskeyRegistrationOptions, { password })).passkeyRegistrationOptions) as Record<string, unknown>;
  }

  /** Registers what navigator.credentials.create() answered (RegistrationResponseJSON). */
  async registerPasskey(response: unknown, name: string): Promise<boolean> {
    return (await this.request(RegisterPasskey, { response: JSON.stringify(response), name })).registerPasskey;
  }

  /** Options for navigator.credentials.get() with a one-time challenge (PublicKeyCredentialRequestOptionsJSON). */
  async userVerificationOptions(): Promise<Record<string, unknown>> {
    return JSON.parse((await this.request(UserVerificationOptions)).userVerificationOptions) as Record<string, unknown>;
  }

  /** Sets or changes the payment PIN (4 to 8 digits); the password is asked. */
  async setPaymentPin(pin: string, password: string): Promise<boolean> {
    return (await this.request(SetPaymentPin, { pin, password })).setPaymentPin;
  }

  async payment(id: string): Promise<PaymentWithPoints | null> {
    return (await this.request(PaymentById, { id })).payment;
  }
}
