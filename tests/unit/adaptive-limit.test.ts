import { AdaptiveLimit } from "../../src/services/delivery/adaptive-limit";

describe("a receiver's limit of attempts at once", () => {
  it("starts at its least and grows by one each time as many as it allows were delivered while others waited", () => {
    const limit = new AdaptiveLimit(4, 8);
    expect(limit.current).toBe(4);
    for (let i = 0; i < 3; i++) limit.succeeded(true);
    expect(limit.current).toBe(4);
    limit.succeeded(true);
    expect(limit.current).toBe(5);
    for (let i = 0; i < 5; i++) limit.succeeded(true);
    expect(limit.current).toBe(6);
  });

  it("does not grow when nothing waited: what it has is enough", () => {
    const limit = new AdaptiveLimit(4, 8);
    for (let i = 0; i < 100; i++) limit.succeeded(false);
    expect(limit.current).toBe(4);
  });

  it("never grows past its most", () => {
    const limit = new AdaptiveLimit(4, 6);
    for (let i = 0; i < 1000; i++) limit.succeeded(true);
    expect(limit.current).toBe(6);
  });

  it("halves at each failure, never below its least, and counts its successes afresh", () => {
    const limit = new AdaptiveLimit(4, 64);
    for (let i = 0; i < 10_000; i++) limit.succeeded(true);
    expect(limit.current).toBe(64);
    limit.failed();
    expect(limit.current).toBe(32);
    limit.failed();
    limit.failed();
    limit.failed();
    expect(limit.current).toBe(4);
    limit.failed();
    expect(limit.current).toBe(4);
    for (let i = 0; i < 3; i++) limit.succeeded(true);
    limit.failed();
    for (let i = 0; i < 3; i++) limit.succeeded(true);
    expect(limit.current).toBe(4);
  });
});
