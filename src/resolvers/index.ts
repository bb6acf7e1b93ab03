import { AdminResolver } from "./access/admin.resolver";
import { BillResolver } from "./bills/bill.resolver";
import { BooksResolver, PaymentReceiptResolver } from "./books/books.resolver";
import { CardResolver } from "./cards/card.resolver";
import { CodeResolver } from "./codes/code.resolver";
import { ConfirmationResolver } from "./payments/confirmation.resolver";
import { CustomerResolver } from "./access/customer.resolver";
import { DailyLimitResolver } from "./payments/daily-limit.resolver";
import { DeadMessageResolver } from "./delivery/dead-message.resolver";
import { EventResolver } from "./delivery/event.resolver";
import { MerchantResolver } from "./views/merchant.resolver";
import { DeviceResolver } from "./devices/device.resolver";
import { UserVerificationResolver } from "./devices/user-verification.resolver";
import { IssuedCodeResolver } from "./codes/issued-code.resolver";
import { MembershipResolver } from "./members/membership.resolver";
import { MessageResolver } from "./members/message.resolver";
import { PaymentResolver } from "./payments/payment.resolver";
import { PassResolver } from "./passes/pass.resolver";
import { PushResolver } from "./push/push.resolver";
import { TicketFieldsResolver, TicketResolver } from "./tickets/ticket.resolver";
import { GateDeskResolver } from "./tickets/gate-desk.resolver";
import { TicketOfferResolver } from "./tickets/ticket-offer.resolver";


export const resolvers = [AdminResolver, BillResolver, BooksResolver, PaymentReceiptResolver, CardResolver, CodeResolver, ConfirmationResolver, CustomerResolver, DeadMessageResolver, DeviceResolver, IssuedCodeResolver, MembershipResolver, MessageResolver, PaymentResolver, TicketResolver, TicketFieldsResolver, GateDeskResolver, TicketOfferResolver, UserVerificationResolver, EventResolver, MerchantResolver, DailyLimitResolver, PassResolver, PushResolver] as const;
