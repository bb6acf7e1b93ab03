import type { TransactionReport } from "../../src/services/institutions/institution";
import { SimulatedInstitution } from "../../src/services/institutions/simulator";

/**
 * The simulator, counting every reversal and report call it gets (the simulator itself
 * ignores repeats, so a duplicate delivery would not show in what it keeps).
 */
export class CountingInstitution extends SimulatedInstitution {
  readonly reverseCalls = new Map<string, number>();
  readonly reportCalls = new Map<string, number>();

  override async reverse(paymentId: string, signal: AbortSignal): Promise<void> {
    this.reverseCalls.set(paymentId, (this.reverseCalls.get(paymentId) ?? 0) + 1);
    return super.reverse(paymentId, signal);
  }

  override async report(report: TransactionReport, signal: AbortSignal): Promise<void> {
    const key = `${report.paymentId}:${report.kind}`;
    this.reportCalls.set(key, (this.reportCalls.get(key) ?? 0) + 1);
    return super.report(report, signal);
  }
}
