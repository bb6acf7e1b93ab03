/**
 * What a notification says while the app is closed, in English (notice.ja.ts is typed
 * from it). Each sentence names the store, the biller or the event and the amount; never
 * a card number or a phone number, which no push carries.
 */
export const en = {
  confirmTitle: "Confirm this payment?",
  confirmBody: (amount: string, store: string, card: string) => `${amount} at ${store} on ${card}. Tap to answer.`,
  paidTitle: "Payment made",
  declinedTitle: "Payment declined",
  paymentTitle: "Payment updated",
  paymentBody: (amount: string, store: string) => `${amount} at ${store}`,
  refundTitle: "Money back",
  refundBody: (amount: string, store: string) => `${store} gave back ${amount}.`,
  billTitle: (biller: string) => `A bill from ${biller}`,
  billBody: (amount: string, due: string) => `${amount}, due ${due}. Pay it at a store with a bill code.`,
  billDueTitle: (biller: string) => `${biller}'s bill is due soon`,
  billDueBody: (amount: string, due: string) => `${amount}, due ${due}.`,
  ticketTitle: "A ticket for you",
  ticketBody: (event: string, starts: string) => `${event}, ${starts}. It is under Passes.`,
  releasedTitle: "Your ticket can be shown now",
  releasedBody: (event: string, starts: string) => `${event}, ${starts}. Open it under Passes at the gate.`,
};
