import { AdminResolver } from "./admin.resolver";
import { BillResolver } from "./bill.resolver";
import { CardResolver } from "./card.resolver";
import { CodeResolver } from "./code.resolver";
import { ConfirmationResolver } from "./confirmation.resolver";
import { CustomerResolver } from "./customer.resolver";
import { DeadMessageResolver } from "./dead-message.resolver";
import { DeviceResolver } from "./device.resolver";
import { IssuedCodeResolver } from "./issued-code.resolver";
import { MembershipResolver } from "./membership.resolver";
import { MessageResolver } from "./message.resolver";
import { PaymentResolver } from "./payment.resolver";
import { TicketFieldsResolver, TicketResolver } from "./ticket.resolver";

export const resolvers = [AdminResolver, BillResolver, CardResolver, CodeResolver, ConfirmationResolver, CustomerResolver, DeadMessageResolver, DeviceResolver, IssuedCodeResolver, MembershipResolver, MessageResolver, PaymentResolver, TicketResolver, TicketFieldsResolver] as const;
