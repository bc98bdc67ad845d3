import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { type Address, type Hex, createPublicClient, createWalletClient, erc20Abi, getAddress, http, parseEther, parseUnits } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { type SessionKeyGrant, SessionKeySigner, createLeashAccountClient, delegateToLeash7702, devTokenParameters, eip7702AccountKind, nexusAccountKind, parseSessionKeyGrant, sessionKeyActions, toErc7579SmartAccount } from '@leash/sdk';
import { createBundlerClient } from 'viem/account-abstraction';
import { type LocalStack, startLocalStack } from '@leash/sdk/local';
import { type SessionManager, ensureWebAppBuilt, sessionManagerConfigFromStack, startSessionManager } from '@leash/web/server';
import { launchChromium, resolveChromium } from './support/chromium.js';
import { deployExistingAccount, deployExistingAccountInfrastructure } from '../../../packages/sdk/test/e2e/accounts/existingAccounts.js';

// Screenshots of each step, kept as test artifacts (test-results/ is not committed).
const screenshotDir = path.resolve(import.meta.dirname, '../../../test-results/web');
const creator = getAddress('0x000000000000000000000000000000000000c0de');
const dusd = (amount: string) => parseUnits(amount, devTokenParameters.decimals);

let stack: LocalStack;
let manager: SessionManager;
let browser: Browser;

const leashBin = path.resolve(import.meta.dirname, '../../../packages/cli/bin/leash.mjs');

type LeashRun = { child: ChildProcess; output: Promise<Record<string, unknown>>; exit: Promise<number | null>; stdout: () => string; stderr: () => string };

/** Runs the built CLI; `output` resolves with the first JSON document on its stdout, or rejects when it exits first. */
function startLeash(args: string[], env: NodeJS.ProcessEnv): LeashRun {
  const child = spawn(process.execPath, [leashBin, ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const output = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      // The document is printed indented: it ends at the first line that is a lone closing brace.
      const document = /^\{[\s\S]*?^\}$/m.exec(stdout)?.[0];
      if (document) resolve(JSON.parse(document));
    });
    void exit.then((code) => reject(new Error(`leash ${args[0]} exited (${code}) before printing its JSON: ${stderr}`)));
  });
  return { child, output, exit, stdout: () => stdout, stderr: () => stderr };
}

/** The widths each layout fix is checked at: a small phone's and a desktop's. */
const screens = [
  ['a 390 px phone', { width: 390, height: 844 }],
  ['a 1280 px desktop', { width: 1280, height: 900 }],
] as const;

/**
 * Fails when anything on the page is cut off sideways: the page scrolls sideways, an element reaches past the
 * window's edge or out of its key card, or an element's content is wider than its box.
 */
async function expectNothingCutOff(page: Page): Promise<void> {
  const problems = await page.evaluate(() => {
    const found: string[] = [];
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > width) found.push(`the page is ${document.documentElement.scrollWidth} px wide in a ${width} px window`);
    const name = (element: Element) => `<${element.tagName.toLowerCase()}> "${(element.textContent ?? '').trim().slice(0, 50)}"`;
    for (const element of document.querySelectorAll('body *')) {
      const box = element.getBoundingClientRect();
      if (box.width === 0 && box.height === 0) continue;
      if (box.left < -0.5 || box.right > width + 0.5) found.push(`${name(element)} spans ${Math.round(box.left)} to ${Math.round(box.right)} px`);
      const card = element.parentElement?.closest('[data-testid^="session-key-0x"]');
      if (card && box.right > card.getBoundingClientRect().right + 0.5) found.push(`${name(element)} reaches out of its key card`);
      // Form fields scroll their own value; anything else must fit its content.
      const inline = getComputedStyle(element).display === 'inline';
      if (!inline && !['INPUT', 'TEXTAREA', 'SELECT', 'OPTION'].includes(element.tagName) && element.scrollWidth > element.clientWidth + 1)
        found.push(`${name(element)} holds ${element.scrollWidth} px of content in ${element.clientWidth} px`);
    }
    return found.slice(0, 10);
  });
  expect(problems).toEqual([]);
}

// `leash up --demo`, as `npm start` runs it, on a stack of its own: the demo's session key on the web pages. It starts
// with the rest and is awaited by its tests.
let demoUp: LeashRun | undefined;
const demoHome = fs.mkdtempSync(path.join(os.tmpdir(), 'leash-web-demo-'));

beforeAll(async () => {
  fs.mkdirSync(screenshotDir, { recursive: true });
  demoUp = startLeash(['up', '--demo', '--json'], { LEASH_HOME: demoHome });
  // The stack's start-up, a (re)build of the browser assets when they are stale, and finding (or unpacking) the
  // browser overlap.
  const [started, , chromium] = await Promise.all([startLocalStack(), ensureWebAppBuilt(), resolveChromium()]);
  stack = started;
  console.info(`Browser: Chromium ${chromium.version} at ${chromium.executablePath}, ${chromium.reason}`);
  manager = await startSessionManager({ config: sessionManagerConfigFromStack(stack), build: 'never' });
  browser = await launchChromium(chromium);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await manager?.stop();
  await stack?.stop();
  if (demoUp && demoUp.child.exitCode === null) {
    demoUp.child.kill('SIGINT');
    await demoUp.exit;
  }
  fs.rmSync(demoHome, { recursive: true, force: true });
});

/** Waits until `locator` shows `text`; on failure says what it showed instead. */
async function waitForText(locator: Locator, text: string | RegExp, timeout = 60_000): Promise<void> {
  try {
    await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout });
  } catch (error) {
    const shown = await locator.allInnerTexts().catch(() => []);
    throw new Error(`Expected ${String(text)} in ${locator}, which shows: ${JSON.stringify(shown)}`, { cause: error });
  }
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshotDir, `${name}.png`), fullPage: true });
}

/** Collects the page's uncaught errors: a test fails on any. */
function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** Follows a link of the page header's navigation. */
async function openPage(page: Page, name: 'Session keys' | 'Demo app'): Promise<void> {
  await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name }).click();
}

function keyCard(page: Page, address: Address): Locator {
  return page.getByTestId(`session-key-${address}`);
}

/** Polls `read` until it returns a value (not undefined). */
async function waitUntil<T>(read: () => Promise<T | undefined>, what: string, timeout = 60_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

const addedKeys = new Set<string>();

/**
 * Adds a key generated in the browser, with dUSD transfers only, limits in total by default (no period boundary to
 * wait for).
 */
async function addGeneratedKey(page: Page, label: string, dusdLimit: string, dusdPeriod = 'in total'): Promise<Address> {
  await page.getByLabel('Label', { exact: true }).fill(label);
  await page.getByLabel('Token amount').fill(dusdLimit);
  await page.getByLabel('Token period').selectOption(dusdPeriod);
  await page.getByLabel('Gas amount').fill('0.5');
  await page.getByLabel('Gas period').selectOption('in total');
  await page.getByLabel('Valid', { exact: true }).selectOption('for 1 hour');
  await page.getByRole('button', { name: 'Add session key' }).click();
  // The form's status names the new key (an earlier key's "Added" message may still show for a moment).
  const address = await waitUntil(async () => {
    for (const text of await page.getByRole('status').allInnerTexts()) {
      const added = /^Added (0x[0-9a-fA-F]{40})/.exec(text)?.[1];
      if (added && !addedKeys.has(added)) return added as Address;
    }
    const failure = await page.getByRole('alert').allInnerTexts();
    if (failure.length > 0) throw new Error(`Adding the key failed: ${failure.join(' / ')}`);
    return undefined;
  }, `the key "${label}" to be added`);
  addedKeys.add(address);
  await keyCard(page, address).waitFor();
  return address;
}

async function sendTip(page: Page, amount: string): Promise<void> {
  await page.getByLabel('Tip amount (dUSD)').fill(amount);
  await page.getByRole('button', { name: `Send ${amount} dUSD tip` }).click();
}

describe('the server', () => {
  it('serves the app, the stack config, its assets, and nothing else', async () => {
    const page = await fetch(manager.url);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<div id="root">');

    const config = await (await fetch(new URL('/config.json', manager.url))).json();
    expect(config).toEqual(JSON.parse(JSON.stringify(sessionManagerConfigFromStack(stack))));

    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(new URL(script!, manager.url));
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);

    expect((await fetch(new URL('/assets/missing.js', manager.url))).status).toBe(404);
    // Outside the assets directory, even spelled with encoded dots.
    expect((await fetch(`${manager.url}%2e%2e/%2e%2e/package.json`)).status).toBe(404);
    expect((await fetch(new URL('/config.json', manager.url), { method: 'POST' })).status).toBe(405);
    // Other paths are pages of the app.
    expect(await (await fetch(new URL('/some/page', manager.url))).text()).toBe(html);
  });
});

describe('the web session manager with the development owner key', () => {
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];
  let account: Address;

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    page = await context.newPage();
    pageErrors = watchPageErrors(page);
    await page.goto(manager.url);
    await page.getByRole('button', { name: 'Use the development owner key' }).click();
    await waitForText(page.getByTestId('module-status'), /Installed|Not installed/);
    account = (await page.getByTestId('account-address').innerText()) as Address;
    await page.getByRole('button', { name: /from the dev faucet/ }).click();
    await waitForText(page.getByRole('status'), 'The account received 1 ETH and 1,000 dUSD.');
    await page.getByRole('button', { name: 'Install the session key module' }).click();
    await waitForText(page.getByTestId('module-status'), /^Installed$/);
    await screenshot(page, '01-connected-module-installed');
  }, 120_000);

  afterAll(async () => {
    await context?.close();
  });

  it('adds a key, lists it, tips with it in the demo app until its limit refuses, and revokes it', async () => {
    const key = await addGeneratedKey(page, 'tip-jar', '3');
    const card = keyCard(page, key);
    await waitForText(card.getByTestId('permissions'), 'Spends at most 3 dUSD');
    await waitForText(card.getByTestId('permissions'), 'only transfer(address,uint256)');
    await waitForText(card.getByTestId('budgets'), '3 dUSD left of 3 dUSD in total');
    await waitForText(card.getByTestId('validity'), /^Expires in (59m|1h)/);
    expect(await card.innerText()).toContain('key held by this browser');
    await screenshot(page, '02-key-added');

    // The demo app signs with the key from localStorage: no owner, no prompt.
    await openPage(page, 'Demo app');
    await waitForText(page.getByTestId('demo-budget'), '3 dUSD left of 3 dUSD');
    await sendTip(page, '1');
    await waitForText(page.getByRole('status'), 'Sent 1 dUSD to the creator');
    await sendTip(page, '1');
    await waitForText(page.getByTestId('activity'), /Tipped 1 dUSD[\s\S]*Tipped 1 dUSD/);
    await waitForText(page.getByTestId('creator-balance'), /^2 dUSD$/);
    await waitForText(page.getByTestId('demo-budget'), '1 dUSD left of 3 dUSD');

    // Over the limit: refused by the module, with the rule and the numbers in dUSD.
    await sendTip(page, '5');
    const refusal = page.getByRole('alert');
    await waitForText(refusal, 'Refused: over the session key\'s dUSD limit.');
    const text = await refusal.innerText();
    expect(text).toContain('Limit: 3 dUSD');
    expect(text).toContain('Already used: 2 dUSD');
    expect(text).toContain('Left: 1 dUSD');
    expect(text).toContain('This action: 5 dUSD');
    expect(text).toContain('Rule: erc20-spend-limit');
    await screenshot(page, '03-demo-tips-and-refusal');

    const publicClient = createPublicClient({ chain: stack.chain, transport: http(stack.rpcUrl) });
    const creatorBalance = await publicClient.readContract({ address: stack.contracts.devToken, abi: erc20Abi, functionName: 'balanceOf', args: [creator] });
    expect(creatorBalance).toBe(dusd('2'));

    // Back in the manager, the budget shows what was spent.
    await openPage(page, 'Session keys');
    await waitForText(keyCard(page, key).getByTestId('budgets'), '1 dUSD left of 3 dUSD in total');
    await waitForText(keyCard(page, key).getByTestId('budgets'), 'used 2 dUSD');
    await screenshot(page, '04-budget-updated');

    await keyCard(page, key).getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('button', { name: 'Yes, revoke tip-jar' }).click();
    await waitForText(page.getByRole('status'), `Revoked ${key}.`);
    await page.getByTestId('no-keys').waitFor();
    await screenshot(page, '05-key-revoked');

    const owner = await createLeashAccountClient({
      chain: stack.chain,
      transport: http(stack.rpcUrl),
      bundlerTransport: http(stack.bundlerUrl),
      owner: privateKeyToAccount(stack.keys.devOwner),
    });
    expect(owner.account.address).toBe(account);
    expect(await owner.extend(sessionKeyActions()).getSessionKeys()).toEqual([]);

    // Its private key left the browser with it: the demo app has none to use.
    await openPage(page, 'Demo app');
    await page.getByTestId('no-local-key').waitFor();
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('rotates a key (the new key keeps what was spent) and revokes all keys', async () => {
    await openPage(page, 'Session keys');
    const first = await addGeneratedKey(page, 'rotating', '3');
    const second = await addGeneratedKey(page, 'second', '5');

    await openPage(page, 'Demo app');
    await page.getByLabel('Session key', { exact: true }).selectOption(first);
    await sendTip(page, '1');
    await waitForText(page.getByRole('status'), 'Sent 1 dUSD to the creator');

    await openPage(page, 'Session keys');
    await keyCard(page, first).getByRole('button', { name: 'Rotate' }).click();
    await keyCard(page, first).getByRole('button', { name: 'Rotate key' }).click();
    const rotated = page.getByRole('status').filter({ hasText: /^Rotated: 0x/ });
    await rotated.waitFor({ timeout: 60_000 });
    const replacement = /Rotated: (0x[0-9a-fA-F]{40}) replaces/.exec(await rotated.innerText())![1] as Address;
    expect(replacement).not.toBe(first);
    await keyCard(page, first).waitFor({ state: 'detached' });
    const card = keyCard(page, replacement);
    await waitForText(card, 'rotating');
    await waitForText(card.getByTestId('budgets'), '2 dUSD left of 3 dUSD in total');
    await screenshot(page, '06-key-rotated');

    // The demo app now holds the new key, which works.
    await openPage(page, 'Demo app');
    await page.getByLabel('Session key', { exact: true }).selectOption(replacement);
    await sendTip(page, '1');
    await waitForText(page.getByRole('status'), 'Sent 1 dUSD to the creator');
    await waitForText(page.getByTestId('demo-budget'), '1 dUSD left of 3 dUSD');

    await openPage(page, 'Session keys');
    await keyCard(page, second).waitFor();
    await page.getByRole('button', { name: 'Revoke all keys' }).click();
    await page.getByRole('button', { name: 'Yes, revoke all keys' }).click();
    await waitForText(page.getByRole('status'), 'Every session key of the account is revoked.');
    await page.getByTestId('no-keys').waitFor();
    await screenshot(page, '07-all-keys-revoked');
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it("issues a grant (a signature, no op), lists it until the demo app's first tip enables the key, and cancels another", async () => {
    const owner = (
      await createLeashAccountClient({ chain: stack.chain, transport: http(stack.rpcUrl), bundlerTransport: http(stack.bundlerUrl), owner: privateKeyToAccount(stack.keys.devOwner) })
    ).extend(sessionKeyActions());
    const issueGrant = async (label: string): Promise<SessionKeyGrant> => {
      await page.getByRole('radio', { name: /Issue a grant/ }).check();
      await page.getByLabel('Label', { exact: true }).fill(label);
      await page.getByLabel('Token amount').fill('3');
      await page.getByLabel('Token period').selectOption('in total');
      await page.getByLabel('Gas amount').fill('0.5');
      await page.getByLabel('Gas period').selectOption('in total');
      await page.getByLabel('Valid', { exact: true }).selectOption('for 1 hour');
      await page.getByRole('button', { name: 'Sign the grant' }).click();
      const signed = await waitUntil(async () => {
        for (const text of await page.getByRole('status').allInnerTexts()) {
          const key = /^Signed a grant of (0x[0-9a-fA-F]{40})/.exec(text)?.[1];
          if (key && !addedKeys.has(key)) return key as Address;
        }
        const failure = await page.getByRole('alert').allInnerTexts();
        if (failure.length > 0) throw new Error(`Signing the grant failed: ${failure.join(' / ')}`);
        return undefined;
      }, `the grant of "${label}"`);
      addedKeys.add(signed);
      const grant = parseSessionKeyGrant(await page.getByLabel('Grant JSON').inputValue());
      expect(grant.sessionKey).toBe(signed);
      return grant;
    };

    await openPage(page, 'Session keys');
    const grant = await issueGrant('granted');
    expect(grant.account).toBe(account);
    expect(grant.chains).toEqual([expect.objectContaining({ chainId: stack.chainId, generation: 1 })]); // revoke-all ran above
    // Nothing was sent: the key is not on-chain yet, and the grant is listed as unused.
    expect((await owner.getSessionKeys()).map((k) => k.address)).not.toContain(grant.sessionKey);
    await waitForText(page.getByTestId('grant-list'), 'not used yet');
    await screenshot(page, '07b-grant-issued');

    // The demo app's first tip with the key carries the grant and enables it.
    await openPage(page, 'Demo app');
    await page.getByLabel('Session key', { exact: true }).selectOption(grant.sessionKey);
    await sendTip(page, '1');
    await waitForText(page.getByRole('status'), 'Sent 1 dUSD to the creator');
    await waitForText(page.getByTestId('demo-budget'), '2 dUSD left of 3 dUSD');
    await openPage(page, 'Session keys');
    await keyCard(page, grant.sessionKey).waitFor();
    await waitUntil(async () => ((await page.getByTestId('grant').count()) === 0 ? true : undefined), 'the used grant to leave the list');
    expect(await owner.getSessionKeyGrantStatus({ grant })).toMatchObject({ status: 'used' });

    // Another grant, cancelled before it is used.
    const other = await issueGrant('cancelled');
    await waitForText(page.getByTestId('grant-list'), 'not used yet');
    await page.getByTestId('grant').getByRole('button', { name: 'Cancel grant' }).click();
    await waitForText(page.getByRole('status'), `Cancelled the grant of ${other.sessionKey} on this chain.`);
    await waitForText(page.getByTestId('grant-status'), 'cancelled');
    expect(await owner.getSessionKeyGrantStatus({ grant: other })).toMatchObject({ status: 'cancelled' });
    await screenshot(page, '07c-grant-cancelled');
    expect(pageErrors).toEqual([]);
  }, 180_000);
});

describe('the web session manager with a browser wallet', () => {
  it('acts as the owner through window.ethereum, which signs the owner op', async () => {
    const walletOwner = privateKeyToAccount(generatePrivateKey());
    const requests: string[] = [];
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
    try {
      // A minimal EIP-1193 wallet: the page's requests reach this test, which answers and signs with walletOwner.
      await context.exposeFunction('leashTestWallet', async (method: string, params: unknown[]) => {
        requests.push(method);
        switch (method) {
          case 'eth_requestAccounts':
          case 'eth_accounts':
            return [walletOwner.address];
          case 'wallet_switchEthereumChain':
            return null;
          case 'eth_signTypedData_v4': {
            const [address, json] = params as [Address, string];
            expect(getAddress(address)).toBe(walletOwner.address);
            return walletOwner.signTypedData(JSON.parse(json));
          }
          default:
            throw new Error(`The test wallet does not answer ${method}.`);
        }
      });
      await context.addInitScript(() => {
        const call = (globalThis as unknown as { leashTestWallet: (method: string, params: unknown) => Promise<unknown> }).leashTestWallet;
        (window as unknown as { ethereum: unknown }).ethereum = {
          request: ({ method, params }: { method: string; params?: unknown[] }) => call(method, params ?? []),
          on: () => {},
          removeListener: () => {},
        };
      });
      const page = await context.newPage();
      const pageErrors = watchPageErrors(page);
      await page.goto(manager.url);
      await page.getByRole('button', { name: 'Connect browser wallet' }).click();
      await waitForText(page.getByTestId('module-status'), 'Not installed');
      expect(await page.getByText('browser wallet', { exact: true }).count()).toBe(1);
      const account = (await page.getByTestId('account-address').innerText()) as Address;

      await page.getByRole('button', { name: /from the dev faucet/ }).click();
      await waitForText(page.getByRole('status'), 'The account received');
      await page.getByRole('button', { name: 'Install the session key module' }).click();
      await waitForText(page.getByTestId('module-status'), /^Installed$/);
      await screenshot(page, '08-wallet-owner');

      expect(requests).toContain('eth_requestAccounts');
      expect(requests).toContain('eth_signTypedData_v4');
      const client = await createLeashAccountClient({
        chain: stack.chain,
        transport: http(stack.rpcUrl),
        bundlerTransport: http(stack.bundlerUrl),
        owner: walletOwner,
      });
      expect(client.account.address).toBe(account);
      expect(await client.extend(sessionKeyActions()).isSessionKeyModuleInstalled()).toBe(true);
      expect(pageErrors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});

/** Accounts of other kinds, given by address: how each is made for an owner key, and how the page names it. */
const otherAccounts = {
  nexus: {
    name: 'Nexus',
    entryPoint: '0.7',
    kind: nexusAccountKind,
    /** A Nexus account (EntryPoint v0.7) whose owner validator holds `ownerKey`. */
    async create(ownerKey: Hex) {
      const publicClient = createPublicClient({ chain: stack.chain, transport: http(stack.rpcUrl) });
      const deployer = createWalletClient({ account: privateKeyToAccount(stack.keys.deployer), chain: stack.chain, transport: http(stack.rpcUrl) });
      const infra = await deployExistingAccountInfrastructure(deployer, publicClient, { only: ['nexus'] });
      const address = await deployExistingAccount('nexus', privateKeyToAccount(ownerKey).address, infra, deployer, publicClient);
      await stack.fund(address, { ether: parseEther('1'), devTokens: dusd('100') });
      return address;
    },
  },
  eip7702: {
    name: 'EIP-7702 EOA',
    entryPoint: '0.8',
    kind: eip7702AccountKind,
    /** The EOA of `ownerKey`, delegated to Leash's ERC-7579 implementation (it pays its own delegation). */
    async create(ownerKey: Hex) {
      const eoa = privateKeyToAccount(ownerKey);
      await stack.fund(eoa.address, { ether: parseEther('1'), devTokens: dusd('100') });
      await delegateToLeash7702(createPublicClient({ chain: stack.chain, transport: http(stack.rpcUrl) }), { owner: eoa });
      return eoa.address;
    },
  },
} as const;

// Nexus at both widths; the EIP-7702 EOA (same panels, another kind) at the phone's only.
describe.each([
  ['nexus', ...screens[0]],
  ['nexus', ...screens[1]],
  ['eip7702', ...screens[0]],
] as const)('an existing %s account given by address, on %s', (which, name, viewport) => {
  const other = otherAccounts[which];
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];
  let ownManager: SessionManager;
  let account: Address;
  const shot = (step: string) => screenshot(page, `${viewport.width}px-${which}-${step}`);

  beforeAll(async () => {
    // The page's development owner key owns the account.
    const ownerKey = generatePrivateKey();
    account = await other.create(ownerKey);
    ownManager = await startSessionManager({ config: { ...sessionManagerConfigFromStack(stack), devOwnerKey: ownerKey }, build: 'never' });
    context = await browser.newContext({ viewport });
    page = await context.newPage();
    pageErrors = watchPageErrors(page);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await ownManager?.stop();
  });

  it('names its kind and EntryPoint, installs the module, adds a key the demo app tips with, rotates and revokes all as its owner', async () => {
    await page.goto(ownManager.url);
    await page.getByLabel('Account (optional)').fill(account);
    await page.getByRole('button', { name: 'Use the development owner key' }).click();
    await waitForText(page.getByTestId('account-kind'), other.name);
    expect(await page.getByTestId('account-kind').innerText()).toMatch(new RegExp(`^${other.name}\\s+EntryPoint v${other.entryPoint.replace('.', '\\.')}$`));
    expect(await page.getByTestId('account-address').innerText()).toBe(account);
    await waitForText(page.getByTestId('module-status'), /^Not installed$/);
    await page.getByRole('button', { name: 'Install the session key module' }).click();
    await waitForText(page.getByTestId('module-status'), /^Installed$/);
    await expectNothingCutOff(page);
    await shot('connected');

    const first = await addGeneratedKey(page, `${which}-agent`, '3');
    await waitForText(keyCard(page, first).getByTestId('budgets'), '3 dUSD left of 3 dUSD in total');
    // The demo app acts with the key on the account (its nonce layout and EntryPoint).
    await openPage(page, 'Demo app');
    await page.getByLabel('Session key', { exact: true }).selectOption(first);
    await sendTip(page, '1');
    await waitForText(page.getByRole('status'), 'Sent 1 dUSD to the creator');
    await openPage(page, 'Session keys');
    await waitForText(keyCard(page, first).getByTestId('budgets'), '2 dUSD left of 3 dUSD in total');
    await keyCard(page, first).getByRole('button', { name: 'Rotate' }).click();
    await keyCard(page, first).getByRole('button', { name: 'Rotate key' }).click();
    const rotated = page.getByRole('status').filter({ hasText: /^Rotated: 0x/ });
    await rotated.waitFor({ timeout: 60_000 });
    const replacement = /Rotated: (0x[0-9a-fA-F]{40}) replaces/.exec(await rotated.innerText())![1] as Address;
    await keyCard(page, first).waitFor({ state: 'detached' });
    await waitForText(keyCard(page, replacement), `${which}-agent`);
    await waitForText(keyCard(page, replacement).getByTestId('budgets'), '2 dUSD left of 3 dUSD in total');
    await expectNothingCutOff(page);
    await shot('key-rotated');

    await page.getByRole('button', { name: 'Revoke all keys' }).click();
    await page.getByRole('button', { name: 'Yes, revoke all keys' }).click();
    await waitForText(page.getByRole('status'), 'Every session key of the account is revoked.');
    await page.getByTestId('no-keys').waitFor();

    // On chain: the account has the module and no keys left; the creator got the tip.
    const publicClient = createPublicClient({ chain: stack.chain, transport: http(stack.rpcUrl) });
    const reader = createBundlerClient({
      account: await toErc7579SmartAccount({ client: publicClient, address: account, kind: other.kind, signer: new SessionKeySigner(), addresses: stack.contracts }),
      client: publicClient,
      transport: http(stack.bundlerUrl),
    }).extend(sessionKeyActions());
    expect(await reader.isSessionKeyModuleInstalled()).toBe(true);
    expect(await reader.getSessionKeys()).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 180_000);
});

describe.each(screens)('the web session manager on %s', (name, viewport) => {
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[];
  let ownManager: SessionManager;
  const shot = (step: string) => screenshot(page, `${viewport.width}px-${step}`);

  beforeAll(async () => {
    // An owner of its own, so that its keys do not mix with the other tests' keys.
    ownManager = await startSessionManager({ config: { ...sessionManagerConfigFromStack(stack), devOwnerKey: generatePrivateKey() }, build: 'never' });
    context = await browser.newContext({ viewport });
    page = await context.newPage();
    pageErrors = watchPageErrors(page);
    await page.goto(ownManager.url);
    await page.getByRole('button', { name: 'Use the development owner key' }).click();
    await waitForText(page.getByTestId('module-status'), /Installed|Not installed/);
    await page.getByRole('button', { name: /from the dev faucet/ }).click();
    await waitForText(page.getByRole('status'), 'The account received 1 ETH and 1,000 dUSD.');
    await page.getByRole('button', { name: 'Install the session key module' }).click();
    await waitForText(page.getByTestId('module-status'), /^Installed$/);
  }, 120_000);

  afterAll(async () => {
    await context?.close();
    await ownManager?.stop();
  });

  let key: Address;

  it('offers budgets per month (30 days)', async () => {
    for (const limit of ['Token period', 'ETH period', 'Gas period'])
      expect(await page.getByLabel(limit).locator('option').allInnerTexts()).toContain('per month (30 days)');
    // A gas amount of 0 (and the form requires no paymaster): the SDK's warning, before anything is sent (issue 19, item 3).
    const gasField = page.getByRole('group', { name: 'Gas the account may pay for the key' });
    await page.getByLabel('Gas amount').fill('0');
    await waitForText(gasField, 'The key has no gas budget and no required paymaster');
    await page.getByLabel('Gas amount').fill('0.5');
    expect(await gasField.getByRole('status').count()).toBe(0);
    key = await addGeneratedKey(page, 'groceries-for-the-month', '250', 'per month (30 days)');
    await waitForText(keyCard(page, key).getByTestId('budgets'), '250 dUSD left of 250 dUSD per 30 days');
  }, 120_000);

  it('limits how many calls a key may make: the form\'s call field, the card\'s budget, and a tip past the count refused with the numbers', async () => {
    const callsField = page.getByRole('group', { name: 'Calls the key may make' });
    expect(await callsField.getByLabel('No limit').isChecked()).toBe(true); // a new key has no call limit
    await callsField.getByLabel('No limit').uncheck();
    await page.getByLabel('Number of calls').fill('2');
    await page.getByLabel('Calls period').selectOption('per day');
    await callsField.scrollIntoViewIfNeeded();
    await expectNothingCutOff(page);
    await shot('call-limit-field');
    const limited = await addGeneratedKey(page, 'two-tips-a-day', '100');
    // Later keys of this suite get no call limit again.
    await callsField.getByLabel('No limit').check();
    const card = keyCard(page, limited);
    await waitForText(card.getByTestId('budgets'), '2 calls left of 2 calls per day');
    await waitForText(card.getByTestId('permissions'), 'At most 2 calls a day (each call of a batch counts)');
    await card.scrollIntoViewIfNeeded();
    await expectNothingCutOff(page);
    await shot('call-limit-card');

    await openPage(page, 'Demo app');
    await page.getByLabel('Session key', { exact: true }).selectOption(limited);
    await sendTip(page, '1');
    await waitForText(page.getByRole('status'), 'Sent 1 dUSD to the creator');
    await sendTip(page, '1');
    await waitForText(page.getByTestId('activity'), /Tipped 1 dUSD[\s\S]*Tipped 1 dUSD/);
    await sendTip(page, '1');
    const refusal = page.getByRole('alert');
    await waitForText(refusal, 'Refused: over the session key\'s call limit.');
    const text = await refusal.innerText();
    expect(text).toContain('Limit: 2 calls a day');
    expect(text).toContain('Already used: 2 calls');
    expect(text).toContain('Left: 0 calls');
    expect(text).toContain('This action: 1 call');
    expect(text).toContain('Rule: call-limit');
    await expectNothingCutOff(page);
    await shot('call-limit-refused');
    await openPage(page, 'Session keys');
    await waitForText(card.getByTestId('budgets'), '0 calls left of 2 calls per day');
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('adds a recipient rule: the form\'s fields, the card\'s rule in plain language and its transfer budget, a tip over the per-transfer cap refused', async () => {
    const ruleField = page.getByRole('group', { name: 'Recipient rule' });
    await ruleField.getByLabel('Transfers of the token only to these recipients').check();
    await page.getByLabel('Recipients', { exact: true }).fill('0x000000000000000000000000000000000000c0de');
    await page.getByLabel('At most per transfer').fill('2');
    await page.getByLabel('Number of transfers').fill('2');
    await page.getByLabel('Transfers period').selectOption('per day');
    await ruleField.scrollIntoViewIfNeeded();
    await expectNothingCutOff(page);
    await shot('recipient-rule-field');
    const ruled = await addGeneratedKey(page, 'tips-to-the-creator', '100');
    // Later keys of this suite get no recipient rule.
    await ruleField.getByLabel('Transfers of the token only to these recipients').uncheck();
    const card = keyCard(page, ruled);
    await waitForText(card.getByTestId('permissions'), /May call dUSD\.transfer with to = 0x0{36}c0de and amount ≤ 2 dUSD, at most 2 times a day/i);
    await waitForText(card.getByTestId('budgets'), /dUSD\.transfer calls\s*2 calls left of 2 calls per day/);
    await card.scrollIntoViewIfNeeded();
    await expectNothingCutOff(page);
    await shot('recipient-rule-card');

    await openPage(page, 'Demo app');
    await page.getByLabel('Session key', { exact: true }).selectOption(ruled);
    await sendTip(page, '3');
    const refusal = page.getByRole('alert');
    await waitForText(refusal, 'Refused: a call argument is not allowed.');
    expect(await refusal.innerText()).toContain('Rule: argument-condition');
    await sendTip(page, '1');
    await waitForText(page.getByRole('status'), 'Sent 1 dUSD to the creator');
    await expectNothingCutOff(page);
    await openPage(page, 'Session keys');
    await waitForText(card.getByTestId('budgets'), /dUSD\.transfer calls\s*1 calls? left of 2 calls per day/);
    expect(pageErrors).toEqual([]);
  }, 180_000);

  it('shows a key card whole: its address, expiry, budgets and what it may do fit the screen', async () => {
    const card = keyCard(page, key);
    await waitForText(card.getByTestId('validity'), /^Expires in (59m|1h)/);
    await card.scrollIntoViewIfNeeded();
    await shot('key-card');
    for (const part of [card.locator('header .mono'), card.getByTestId('validity'), card.getByTestId('budgets'), card.getByTestId('permissions')])
      expect(await part.isVisible(), `${part} on ${name}`).toBe(true);
    await expectNothingCutOff(page);

    // So does the demo page, with this browser's key.
    await openPage(page, 'Demo app');
    await page.getByLabel('Session key', { exact: true }).selectOption(key);
    await waitForText(page.getByTestId('demo-budget'), '250 dUSD left of 250 dUSD');
    await waitForText(page.getByTestId('key-origin'), 'Generated in this browser');
    await expectNothingCutOff(page);
    await shot('demo-page');
    await openPage(page, 'Session keys');
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('says in plain words what a key may call ("Access list: allowlist" is the module\'s word for it)', async () => {
    const permissions = await keyCard(page, key).getByTestId('permissions').innerText();
    expect(permissions.split('\n')[0]).toBe('May call only what is listed below, nothing else');
    expect(permissions).toContain('only transfer(address,uint256)');
    expect(permissions).not.toMatch(/access list|allowlist/i);
  });

  it('shows only the outcome of the last owner action: a rotation replaces the "Added" message', async () => {
    const key = await addGeneratedKey(page, 'to-rotate', '5');
    // The module's installation message went when the key was added.
    expect(await page.getByRole('status').filter({ hasText: 'The session key module is installed.' }).count()).toBe(0);
    await keyCard(page, key).getByRole('button', { name: 'Rotate' }).click();
    await keyCard(page, key).getByRole('button', { name: 'Rotate key' }).click();
    await page.getByRole('status').filter({ hasText: /^Rotated: 0x/ }).waitFor({ timeout: 60_000 });
    const statuses = await page.getByRole('status').allInnerTexts();
    expect(statuses).toHaveLength(1);
    expect(statuses[0]).toMatch(new RegExp(`^Rotated: 0x[0-9a-fA-F]{40} replaces ${key}`));
    await shot('rotated');
    await expectNothingCutOff(page);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});

describe('the session key of the npm start demo (leash up --demo)', () => {
  let url: string;

  beforeAll(async () => {
    url = (await demoUp!.output).sessionManagerUrl as string;
    // The demo has run (its key spent 10 of its 50 dUSD) once the stack says it runs.
    const deadline = Date.now() + 120_000;
    while (!demoUp!.stdout().includes('The local stack is running.')) {
      if (demoUp!.child.exitCode !== null || Date.now() > deadline) throw new Error(`leash up --demo did not finish its demo: ${demoUp!.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 150_000);

  it.each(screens)('is labelled on the manager page and tips on the demo page, explained, on %s', async (name, viewport) => {
    const context = await browser.newContext({ viewport });
    try {
      const page = await context.newPage();
      const pageErrors = watchPageErrors(page);
      const shot = (step: string) => screenshot(page, `${viewport.width}px-npm-start-demo-${step}`);
      await page.goto(url);
      await page.getByRole('button', { name: 'Use the development owner key' }).click();
      const card = page.getByRole('article', { name: 'Session key tipping-app' });
      await card.waitFor({ timeout: 60_000 });
      await waitForText(card, 'granted by the npm start demo: the Demo app page can use it');
      await waitForText(card.getByTestId('budgets'), /\d+ dUSD left of 50 dUSD per day/);
      await shot('manager');
      await expectNothingCutOff(page);

      // A new browser: it holds no key of its own, and the demo page uses the demo's, saying where it comes from.
      await openPage(page, 'Demo app');
      expect(await page.getByTestId('no-local-key').count()).toBe(0);
      const select = page.getByLabel('Session key', { exact: true });
      expect(await select.locator('option:checked').innerText()).toMatch(/^tipping-app · 0x.* · from the npm start demo$/);
      await waitForText(page.getByTestId('key-origin'), 'The demo in your terminal (npm start) granted this key to its account');
      await waitForText(page.getByTestId('demo-budget'), /^\d+ dUSD left of 50 dUSD$/);
      const leftBefore = Number(/^(\d+)/.exec(await page.getByTestId('demo-budget').innerText())![1]);
      await sendTip(page, '1');
      await waitForText(page.getByRole('status'), 'Sent 1 dUSD to the creator, signed by the session key');
      await waitForText(page.getByTestId('demo-budget'), `${leftBefore - 1} dUSD left of 50 dUSD`);
      await shot('demo-page');
      await expectNothingCutOff(page);
      expect(pageErrors, name).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);
});

describe('leash ui', () => {
  const startLeashUi = (args: string[], env: NodeJS.ProcessEnv) => startLeash(['ui', ...args], env);
  const stateDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'leash-ui-'));

  it('serves the running local stack from the CLI state file, with the development keys, until Ctrl-C', async () => {
    const home = stateDir();
    // The stack file as `leash up` writes it, naming a live process (this one) and this test's stack.
    const { rpcUrl, bundlerUrl, chainId, safeMode, contracts, pids } = stack;
    fs.writeFileSync(path.join(home, 'stack.json'), JSON.stringify({ pid: process.pid, rpcUrl, bundlerUrl, chainId, safeMode, contracts, pids, startedAt: new Date().toISOString() }));
    const ui = startLeashUi(['--json'], { LEASH_HOME: home });
    try {
      const output = await ui.output;
      expect(output).toMatchObject({ rpcUrl, bundlerUrl, chainId, local: true });
      const config = await (await fetch(new URL('/config.json', output.url as string))).json();
      expect(config).toEqual({
        chainId,
        chainName: 'Leash local',
        rpcUrl,
        bundlerUrl,
        contracts: {
          entryPoint: contracts.entryPoint,
          accountFactory: contracts.accountFactory,
          accountImplementation: contracts.accountImplementation,
          sessionKeyModule: contracts.sessionKeyModule,
          permissionUpdater: contracts.permissionUpdater,
          sessionKeyLens: contracts.sessionKeyLens,
          devToken: contracts.devToken,
        },
        // No `leash account create` in this state directory: the stack's development owner, as `npm start`'s demo.
        devOwnerKey: stack.keys.devOwner,
        devFaucetKey: stack.keys.faucet,
      });
      expect((await fetch(output.url as string)).status).toBe(200);

      ui.child.kill('SIGINT');
      expect(await ui.exit).toBe(0);
      await expect(fetch(output.url as string)).rejects.toThrow();
    } finally {
      ui.child.kill('SIGKILL');
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);

  it('serves any chain and bundler given by flags, with no key for the page: the owner connects a browser wallet', async () => {
    const home = stateDir();
    const ui = startLeashUi(['--json', '--rpc-url', stack.rpcUrl, '--bundler-url', stack.bundlerUrl], { LEASH_HOME: home });
    try {
      const output = await ui.output;
      expect(output).toMatchObject({ local: false });
      const config = await (await fetch(new URL('/config.json', output.url as string))).json();
      expect(config).toMatchObject({ rpcUrl: stack.rpcUrl, bundlerUrl: stack.bundlerUrl, chainId: stack.chainId });
      expect(config.contracts.sessionKeyModule).toBe(stack.contracts.sessionKeyModule);
      expect(config).not.toHaveProperty('devOwnerKey');
      expect(config).not.toHaveProperty('devFaucetKey');
      ui.child.kill('SIGTERM');
      expect(await ui.exit).toBe(0);
    } finally {
      ui.child.kill('SIGKILL');
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);

  it('says how to start a stack when none runs and no flags are given', async () => {
    const home = stateDir();
    const ui = startLeashUi([], { LEASH_HOME: home });
    try {
      await expect(ui.output).rejects.toThrow();
      expect(await ui.exit).toBe(1);
      expect(ui.stderr()).toContain('No local stack is running');
      expect(ui.stderr()).toContain('leash up');
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});
