// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ERC4337Utils} from "@openzeppelin/contracts/account/utils/ERC4337Utils.sol";
import {LeashAccount} from "./LeashAccount.sol";

/**
 * @title LeashAccountFactory
 * @notice Deploys {LeashAccount}s as ERC-1167 clones at CREATE2 addresses that depend only on the owner and a salt,
 * so the address is known (and can receive funds) before the account exists.
 * @dev Staked in the EntryPoint: ERC-7562 (STO-021) lets a validator module use account-associated storage in the
 * op that deploys the account only when the factory is staked. Anyone may add stake; only the stake owner may take
 * it out. The stake owner is a constructor argument, so it is part of the factory's CREATE2 address.
 */
contract LeashAccountFactory is Ownable {
    /// @notice The implementation every account clone delegates to.
    LeashAccount public immutable ACCOUNT_IMPLEMENTATION;

    /// @notice Emitted when an account is deployed.
    event AccountCreated(address indexed account, address indexed owner, uint256 salt);

    /// @param stakeOwner The address allowed to unlock and withdraw the factory's EntryPoint stake.
    constructor(address stakeOwner) Ownable(stakeOwner) {
        ACCOUNT_IMPLEMENTATION = new LeashAccount();
    }

    /**
     * @notice Deploys the account of `owner` and `salt`, or returns it if it already exists (as ERC-4337 requires).
     * @param owner The account's ECDSA owner.
     * @param salt Any number, to give one owner several accounts.
     * @return account The account's address.
     */
    function createAccount(address owner, uint256 salt) external returns (LeashAccount account) {
        bytes32 cloneSalt = _cloneSalt(owner, salt);
        address predicted = Clones.predictDeterministicAddress(address(ACCOUNT_IMPLEMENTATION), cloneSalt);
        if (predicted.code.length != 0) return LeashAccount(payable(predicted));
        account = LeashAccount(payable(Clones.cloneDeterministic(address(ACCOUNT_IMPLEMENTATION), cloneSalt)));
        account.initialize(owner);
        emit AccountCreated(address(account), owner, salt);
    }

    /**
     * @notice The counterfactual address of the account of `owner` and `salt`.
     * @param owner The account's ECDSA owner.
     * @param salt Any number, to give one owner several accounts.
     */
    function getAccountAddress(address owner, uint256 salt) external view returns (address) {
        return Clones.predictDeterministicAddress(address(ACCOUNT_IMPLEMENTATION), _cloneSalt(owner, salt));
    }

    /**
     * @notice Adds `msg.value` to the factory's stake in the EntryPoint. Anyone may top it up.
     * @param unstakeDelaySec The unstake delay; the EntryPoint refuses to lower it.
     */
    function addStake(uint32 unstakeDelaySec) external payable {
        ERC4337Utils.ENTRYPOINT_V08.addStake{value: msg.value}(unstakeDelaySec);
    }

    /// @notice Starts the unstake delay. Only the stake owner.
    function unlockStake() external onlyOwner {
        ERC4337Utils.ENTRYPOINT_V08.unlockStake();
    }

    /**
     * @notice Withdraws the unlocked stake after the delay. Only the stake owner.
     * @param recipient Where the stake goes.
     */
    function withdrawStake(address payable recipient) external onlyOwner {
        ERC4337Utils.ENTRYPOINT_V08.withdrawStake(recipient);
    }

    /// @dev The owner is part of the salt, so nobody can deploy an account at someone else's address with another owner.
    function _cloneSalt(address owner, uint256 salt) private pure returns (bytes32) {
        return keccak256(abi.encode(owner, salt));
    }
}
