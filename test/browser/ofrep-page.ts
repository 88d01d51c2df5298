/*
 * The page the browser test loads: OpenFeature's web SDK with its OFREP provider, pointed at the
 * application that serves the page, showing the flags it evaluates. Bundled by esbuild.
 */
import { OFREPWebProvider } from '@openfeature/ofrep-web-provider';
import { OpenFeature, ProviderEvents } from '@openfeature/web-sdk';

interface Shown {
  beta: boolean;
  flow: string;
  banner: boolean;
  uploadLimit: number;
  uploadLimitError?: string;
  changes: number;
}

declare global {
  interface Window {
    shown?: Shown;
  }
}

const client = OpenFeature.getClient();
let changes = 0;

function render(): void {
  const shown: Shown = {
    // The page claims plan "internal"; the server knows no plan for this caller.
    beta: client.getBooleanValue('beta-dashboard', false),
    flow: client.getStringValue('checkout-flow', 'none'),
    banner: client.getBooleanValue('maintenance-banner', false),
    uploadLimit: client.getNumberValue('upload-limit-mb', 1),
    uploadLimitError: client.getNumberDetails('upload-limit-mb', 1).errorCode,
    changes,
  };
  window.shown = shown;
  document.querySelector('#flags')!.textContent = JSON.stringify(shown);
}

async function main(): Promise<void> {
  await OpenFeature.setContext({ targetingKey: 'browser-1', plan: 'internal' });
  client.addHandler(ProviderEvents.ConfigurationChanged, () => {
    changes += 1;
    render();
  });
  await OpenFeature.setProviderAndWait(
    new OFREPWebProvider({
      baseUrl: window.location.origin,
      pollInterval: 300,
      changeDetection: 'polling',
      cacheMode: 'disabled',
    }),
  );
  render();
}

void main();
