// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

/**
 * @title CallTargets
 * @notice The addresses a session key may never call, nor name in its permissions: the account (and address(0), which
 * OpenZeppelin's executor runs as the account), the session key module itself, and every canonical EntryPoint (a call
 * to one could withdraw the account's deposit).
 */
library CallTargets {
    address internal constant ENTRYPOINT_V06 = 0x5FF137D4b0FDCD49DcA30c7CF57E578a026d2789;
    address internal constant ENTRYPOINT_V07 = 0x0000000071727De22E5E9d8BAf0edAc6f37da032;
    address internal constant ENTRYPOINT_V08 = 0x4337084D9E255Ff0702461CF8895CE9E3b5Ff108;
    address internal constant ENTRYPOINT_V09 = 0x433709009B8330FDa32311DF1C2AFA402eD8D009;

    /// @notice Whether `target` is the account, address(0), this contract (the module, also when delegatecalled into)
    /// or an EntryPoint.
    function isForbidden(address account, address target) internal view returns (bool forbidden) {
        // Assembly: one branch for seven comparisons, on every call of every op.
        assembly ("memory-safe") {
            forbidden := or(
                or(or(eq(target, account), iszero(target)), eq(target, address())),
                or(
                    or(eq(target, ENTRYPOINT_V08), eq(target, ENTRYPOINT_V07)),
                    or(eq(target, ENTRYPOINT_V09), eq(target, ENTRYPOINT_V06))
                )
            )
        }
    }
}
