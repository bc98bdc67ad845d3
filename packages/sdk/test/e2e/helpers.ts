import { type Address, http, parseEther, parseUnits } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { type SessionKeySignerLike, createLeashAccountClient, sessionKeyActions } from '@leash/sdk';
import type { LocalStack } from '@leash/sdk/local';

/** A funded owner client of a new account on the stack, with the session key module installed unless said otherwise. */
export async function newOwnerClient(stack: LocalStack, options: { install?: boolean; ether?: string } = {}) {
  const client = (
    await createLeashAccountClient({
      chain: stack.chain,
      transport: http(stack.rpcUrl),
      bundlerTransport: http(stack.bundlerUrl),
      owner: privateKeyToAccount(generatePrivateKey()),
    })
  ).extend(sessionKeyActions());
  await stack.fund(client.account.address, { ether: parseEther(options.ether ?? '2'), devTokens: parseUnits('10000', 6) });
  if (options.install !== false) await client.installSessionKeyModule();
  return client;
}

/** A client of `account` that signs with the session key `signer`. */
export async function newSessionClient(stack: LocalStack, account: Address, signer: SessionKeySignerLike) {
  return (
    await createLeashAccountClient({
      chain: stack.chain,
      transport: http(stack.rpcUrl),
      bundlerTransport: http(stack.bundlerUrl),
      signer,
      accountAddress: account,
    })
  ).extend(sessionKeyActions());
}
