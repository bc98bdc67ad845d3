import { useEffect, useState } from 'react';
import { type SessionManagerConfig, loadConfig } from './config.js';
import { DemoPage } from './components/DemoPage.js';
import { ManagerPage } from './components/ManagerPage.js';

type Route = 'keys' | 'demo';
const routeOf = (hash: string): Route => (hash.startsWith('#/demo') ? 'demo' : 'keys');

/** Pages by URL hash (#/ and #/demo), so the static server needs no routes. */
function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(routeOf(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

export function App() {
  const [config, setConfig] = useState<SessionManagerConfig>();
  const [configError, setConfigError] = useState<string>();
  const route = useRoute();

  useEffect(() => {
    loadConfig().then(setConfig, (error: unknown) => setConfigError(error instanceof Error ? error.message : String(error)));
  }, []);

  return (
    <>
      <header className="top">
        <h1>Leash</h1>
        <nav aria-label="Pages">
          <a href="#/" aria-current={route === 'keys' ? 'page' : undefined}>
            Session keys
          </a>
          <a href="#/demo" aria-current={route === 'demo' ? 'page' : undefined}>
            Demo app
          </a>
        </nav>
        {config && (
          <span className="chain">
            {config.chainName} (chain {config.chainId})
          </span>
        )}
      </header>
      <main>
        {configError && (
          <p className="status failed" role="alert">
            {configError}
          </p>
        )}
        {!config && !configError && <p>Loading…</p>}
        {config && (route === 'demo' ? <DemoPage config={config} /> : <ManagerPage config={config} />)}
      </main>
    </>
  );
}
