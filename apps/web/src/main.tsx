import { render, type ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import "./styles.css";

/** Each role's screens load on their own, so the phone never downloads the register's QR reader. */
const SCREENS: Record<string, { title: string; load: () => Promise<ComponentType> }> = {
  phone: { title: "Phone", load: () => import("./phone/Phone").then((m) => m.Phone) },
  register: { title: "Register", load: () => import("./register/Register").then((m) => m.Register) },
  gate: { title: "Gate", load: () => import("./gate/Gate").then((m) => m.Gate) },
};

const screenOf = () => location.hash.replace(/^#\/?/, "");

function App() {
  const [name, setName] = useState(screenOf);
  const [Screen, setScreen] = useState<ComponentType | null>(null);
  useEffect(() => {
    const changed = () => setName(screenOf());
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  useEffect(() => {
    const screen = SCREENS[name];
    setScreen(null);
    document.title = screen ? `${screen.title} · wallet-center` : "wallet-center";
    if (screen) void screen.load().then((component) => setScreen(() => component));
  }, [name]);
  if (!SCREENS[name]) {
    return (
      <main class="narrow">
        <h1>wallet-center</h1>
        <p>Open the screen for this device:</p>
        <ul class="choices">
          {Object.entries(SCREENS).map(([key, screen]) => (
            <li key={key}>
              <a class="button primary big" href={`#/${key}`}>
                {screen.title}
              </a>
            </li>
          ))}
        </ul>
      </main>
    );
  }
  return Screen ? <Screen /> : <p aria-live="polite">Loading…</p>;
}

render(<App />, document.getElementById("root")!);
