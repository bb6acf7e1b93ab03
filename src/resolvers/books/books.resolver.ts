import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from "type-graphql";
import type { RequestContext } from "../../schema/context";
import { BooksConsistency, Receipt, ReceiptKey, ReceiptProof, TreeHead } from "../../schema/books/books.types";
import { Payment } from "../../schema/payments/payment.types";
import type { TreeHeadEvent } from "../../services/kernel/events";
import { toReceipt, toTreeHead } from "./books.mappers";

/** The books are public: anyone may check a receipt they hold, and the log's heads and their consistency. */
@Resolver()
export class BooksResolver {
  @Query(() => [ReceiptKey], { description: "anyone: the receipt key set (also at /.well-known/wallet-center/receipt-keys.json)" })
  async receiptKeys(@Ctx() ctx: RequestContext): Promise<ReceiptKey[]> {
    const { keys } = await ctx.services.receiptKeys.keySet();
    return keys.map((key) => ({ keyId: key.keyId, publicKey: key.publicKey, use: key.use, from: new Date(key.from), until: key.until ? new Date(key.until) : null }));
  }

  @Query(() => TreeHead, { nullable: true, description: "anyone: the latest signed tree head of the books" })
  async treeHead(@Ctx() ctx: RequestContext): Promise<TreeHead | null> {
    const head = await ctx.services.books.latestHead();
    return head && toTreeHead(head);
  }

  @Query(() => ReceiptProof, { description: "anyone holding a receipt's id: the receipt and its inclusion proof against the latest tree head" })
  async receiptProof(@Arg("receiptId", () => ID) receiptId: string, @Ctx() ctx: RequestContext): Promise<ReceiptProof> {
    const proof = await ctx.services.books.receiptProof(receiptId);
    return { receipt: toReceipt(proof.receipt), leafIndex: proof.leafIndex, treeHead: proof.head && toTreeHead(proof.head), path: proof.path };
  }

  @Query(() => BooksConsistency, { description: "anyone: the consistency proof between two signed tree heads, by their sizes" })
  async booksConsistency(@Arg("from", () => Int) from: number, @Arg("to", () => Int) to: number, @Ctx() ctx: RequestContext): Promise<BooksConsistency> {
    const proof = await ctx.services.books.consistency(from, to);
    return { from: toTreeHead(proof.from), to: toTreeHead(proof.to), path: proof.path };
  }

  @Authorized("PARTNER", "ADMIN")
  @Mutation(() => Boolean, {
    description: "partner: for itself; admin: for a partner or store (ownerId). Opts in (true) or out of the books.sealed webhook, the latest signed head at most every BOOKS_COPY_MS",
  })
  async keepBooksCopy(
    @Arg("enabled") enabled: boolean,
    @Arg("ownerId", () => ID, { nullable: true }) ownerId: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<boolean> {
    return ctx.services.booksCopies.keepBooksCopy(ctx.caller, enabled, ownerId);
  }

  @Subscription(() => TreeHead, {
    description: "anyone: each tree head the sealer signs, once, whichever instance signed it",
    subscribe: ({ context }) => (context as RequestContext).services.live.booksSealed(),
  })
  booksSealed(@Root() head: TreeHeadEvent): TreeHead {
    return toTreeHead(head);
  }
}

/** A payment's latest receipt (its approval, decline or void): the register gets it with the redeem's answer. */
@Resolver(() => Payment)
export class PaymentReceiptResolver {
  @FieldResolver(() => Receipt, { nullable: true, description: "the signed receipt of its latest decision; null while it waits for the phone" })
  async receipt(@Root() payment: Payment, @Ctx() ctx: RequestContext): Promise<Receipt | null> {
    const issued = payment.source && ctx.services.paymentDecisions.issuedReceipt(payment.source);
    if (issued) return toReceipt(issued);
    const latest = await ctx.loaders.latestReceipt.load(payment.id);
    return latest ? toReceipt(latest) : null;
  }
}
