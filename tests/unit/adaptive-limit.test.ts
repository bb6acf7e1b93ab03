import { AdaptiveLimit } from "../../src/services/delivery/adaptive-limit";

/** `count` deliveries, each while others waited or not. */
const deliver = (limit: AdaptiveLimit, count: number, waiting = true) => {
  for (let i = 0; i < count; i++) limit.succeeded(waiting);
};

describe("a receiver's limit of attempts at once", () => {
  it("starts at its least and, until a failure, lets one more go for each delivery while others wait", () => {
    const limit = new AdaptiveLimit(4, 64);
    expect(limit.current).toBe(4);
    deliver(limit, 4);
    expect(limit.current).toBe(8);
    deliver(limit, 8);
    expect(limit.current).toBe(16);
  });

  it("does not grow when nothing waited: what it has is enough", () => {
    const limit = new AdaptiveLimit(4, 64);
    deliver(limit, 100, false);
    expect(limit.current).toBe(4);
  });

  it("never grows past its most", () => {
    const limit = new AdaptiveLimit(4, 6);
    deliver(limit, 1000);
    expect(limit.current).toBe(6);
  });

  it("halves at each failure, never below its least, then grows by one each time as many as it allows were delivered", () => {
    const limit = new AdaptiveLimit(4, 64);
    deliver(limit, 1000);
    expect(limit.current).toBe(64);
    limit.failed();
    expect(limit.current).toBe(32);
    deliver(limit, 31);
    expect(limit.current).toBe(32);
    deliver(limit, 1);
    expect(limit.current).toBe(33);
    limit.failed();
    limit.failed();
    limit.failed();
    limit.failed();
    expect(limit.current).toBe(4);
    limit.failed();
    expect(limit.current).toBe(4);
    deliver(limit, 3);
    limit.failed();
    deliver(limit, 3);
    expect(limit.current).toBe(4);
    deliver(limit, 1);
    expect(limit.current).toBe(5);
  });
});
