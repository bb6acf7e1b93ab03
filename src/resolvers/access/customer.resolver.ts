import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { RequestContext } from "../../schema/context";
import { Customer, EnrollCustomerInput, Session } from "../../schema/access/customer.types";
import { toCustomer } from "../mappers";

@Resolver()
export class CustomerResolver {
  @Mutation(() => Session, { description: "phone" })
  async login(@Arg("phone") phone: string, @Arg("password") password: string, @Ctx() ctx: RequestContext): Promise<Session> {
    const session = await ctx.services.auth.login(phone, password, ctx.caller.address);
    return { token: session.token, expiresAt: session.expiresAt, customer: toCustomer(session.customer) };
  }

  @Mutation(() => Boolean, {
    description: "anyone: sends a sign-up code to the phone by SMS; the same answer whether or not the number is enrolled",
  })
  startSignUp(@Arg("phone") phone: string, @Ctx() ctx: RequestContext): Promise<boolean> {
    return ctx.services.signUp.start(phone, ctx.caller.address);
  }

  @Mutation(() => Session, { description: "anyone: enrolls the number with the code it was sent, and logs it in" })
  async completeSignUp(
    @Arg("phone") phone: string,
    @Arg("code") code: string,
    @Arg("name") name: string,
    @Arg("password") password: string,
    @Ctx() ctx: RequestContext,
  ): Promise<Session> {
    const session = await ctx.services.signUp.complete({ phone, code, name, password }, ctx.caller.address);
    return { token: session.token, expiresAt: session.expiresAt, customer: toCustomer(session.customer) };
  }

  @Authorized("PHONE")
  @Mutation(() => Boolean, { description: "phone" })
  logout(@Ctx() ctx: RequestContext): Promise<boolean> {
    return ctx.services.auth.logout(ctx.caller);
  }

  @Authorized("PHONE")
  @Query(() => Customer, { description: "phone" })
  async me(@Ctx() ctx: RequestContext): Promise<Customer> {
    return toCustomer(await ctx.services.customers.me(ctx.caller));
  }

  @Authorized("ADMIN")
  @Mutation(() => Customer, { description: "admin" })
  async enrollCustomer(@Arg("input") input: EnrollCustomerInput, @Ctx() ctx: RequestContext): Promise<Customer> {
    return toCustomer(await ctx.services.customers.enroll(ctx.caller, input));
  }
}
