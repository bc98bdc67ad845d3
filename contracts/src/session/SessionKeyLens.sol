// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {ISessionKeyModule} from "./interfaces/ISessionKeyModule.sol";
import {ISessionKeyLens} from "./interfaces/ISessionKeyLens.sol";
import {AccessListType} from "./interfaces/ISessionKeyPermissionUpdates.sol";
import {SessionKeyStorage} from "./libraries/SessionKeyStorage.sol";
import {TargetList} from "./updates/TargetList.sol";
import {AccessList} from "./permissions/AccessList.sol";
import {Erc20SpendLimit} from "./permissions/Erc20SpendLimit.sol";
import {NativeSpendLimit} from "./permissions/NativeSpendLimit.sol";
import {GasSpendLimit} from "./permissions/GasSpendLimit.sol";
import {CallLimit} from "./permissions/CallLimit.sol";

/**
 * @title SessionKeyLens
 * @notice Reads everything the session key module stores about an account's keys, in one `eth_call`: the keys, and for
 * each its time range, tag, access list type and every contract its permissions named (entry, function entries,
 * ERC-20 budget), its native, gas and call-count budgets (limit, used, remaining, period, next refresh) and its
 * paymaster rule. It works on any RPC (no event replay) and holds no state: it reads the module's storage words through
 * the module's `extsload` and decodes them with the same libraries the module writes them with. Budgets are reported
 * as of the block's timestamp.
 */
contract SessionKeyLens is ISessionKeyLens {
    using SessionKeyStorage for uint256;

    /// @dev What every read of one key needs.
    struct Key {
        address module;
        address account;
        uint256 generation;
        uint256 record;
    }

    /// @inheritdoc ISessionKeyLens
    function sessionKeysOf(address module, address account) public view returns (address[] memory keys) {
        uint256 state = _load(module, SessionKeyStorage.accountSlot(account));
        uint256 generation = state.generation();
        keys = new address[](state.keyCount());
        for (uint256 i; i < keys.length; ++i) {
            keys[i] = _load(module, SessionKeyStorage.keyListSlot(account, generation, i)).keyOf();
        }
    }

    /// @inheritdoc ISessionKeyLens
    function isSessionKeyOf(address module, address account, address sessionKey) external view returns (bool) {
        uint256 generation = _load(module, SessionKeyStorage.accountSlot(account)).generation();
        return _load(module, SessionKeyStorage.keySlot(account, generation, sessionKey)) != 0;
    }

    /// @inheritdoc ISessionKeyLens
    function getSessionKeys(address module, address account) external view returns (SessionKeyState[] memory states) {
        address[] memory keys = sessionKeysOf(module, account);
        states = new SessionKeyState[](keys.length);
        for (uint256 i; i < keys.length; ++i) {
            states[i] = getSessionKey(module, account, keys[i]);
        }
    }

    /// @inheritdoc ISessionKeyLens
    function getSessionKey(address module, address account, address sessionKey)
        public
        view
        returns (SessionKeyState memory state)
    {
        Key memory k = _key(module, account, sessionKey);
        state.sessionKey = sessionKey;
        state.info = _info(k);
        uint256 count = _keyListEntry(k).targetCountOf();
        state.targets = new TargetRule[](count);
        for (uint256 i; i < count; ++i) {
            uint256 listWord = _load(module, SessionKeyStorage.targetListSlot(account, k.record.sessionId(), i));
            state.targets[i] = _targetRule(k, address(uint160(listWord)), listWord);
        }
        state.calls = _calls(k);
    }

    /// @inheritdoc ISessionKeyLens
    function getSessionKeyInfo(address module, address account, address sessionKey)
        external
        view
        returns (SessionKeyInfo memory)
    {
        return _info(_key(module, account, sessionKey));
    }

    /// @inheritdoc ISessionKeyLens
    function getAccessListEntry(address module, address account, address sessionKey, address target)
        external
        view
        returns (bool isOnList, bool checkSelectors)
    {
        uint256 entry = _entry(_key(module, account, sessionKey), target);
        return (AccessList.onList(entry), AccessList.checksSelectors(entry));
    }

    /// @inheritdoc ISessionKeyLens
    function isSelectorOnAccessList(
        address module,
        address account,
        address sessionKey,
        address target,
        bytes4 selector
    ) external view returns (bool) {
        Key memory k = _key(module, account, sessionKey);
        uint256 entry = _entry(k, target);
        if (selector == AccessList.TRANSFER) return entry & AccessList.TRANSFER_ON_LIST != 0;
        if (selector == AccessList.APPROVE) return entry & AccessList.APPROVE_ON_LIST != 0;
        uint256 inline_ = AccessList.inlineCount(entry);
        for (uint256 i; i < inline_; ++i) {
            if (AccessList.inlineSelector(entry, i) == selector) return true;
        }
        return AccessList.extraCount(entry) != 0
            && _load(module, SessionKeyStorage.selectorSlot(account, k.record.sessionId(), target, selector)) != 0;
    }

    /// @inheritdoc ISessionKeyLens
    function getErc20SpendLimit(address module, address account, address sessionKey, address token)
        external
        view
        returns (SpendLimitStatus memory)
    {
        Key memory k = _key(module, account, sessionKey);
        return _erc20(k, _entry(k, token));
    }

    /// @inheritdoc ISessionKeyLens
    function getCallLimit(address module, address account, address sessionKey)
        external
        view
        returns (SpendLimitStatus memory)
    {
        return _calls(_key(module, account, sessionKey));
    }

    // ------------------------------------------------------------------ decoding

    function _key(address module, address account, address sessionKey) private view returns (Key memory k) {
        k.module = module;
        k.account = account;
        k.generation = _load(module, SessionKeyStorage.accountSlot(account)).generation();
        k.record = _load(module, SessionKeyStorage.keySlot(account, k.generation, sessionKey));
        if (k.record == 0) revert ISessionKeyModule.SessionKeyNotFound(sessionKey);
    }

    function _info(Key memory k) private view returns (SessionKeyInfo memory info) {
        uint256 record = k.record;
        uint256 sessionId = record.sessionId();
        info.tag = bytes32(_load(k.module, SessionKeyStorage.tagSlot(k.account, sessionId)));
        info.validFrom = uint48(record.validFrom());
        info.validUntil = uint48(record.validUntil());
        info.accessListType = AccessListType(record.listType());
        info.refreshAnchor = uint48(record.refreshAnchor());
        info.nativeTokenSpend =
            NativeSpendLimit.status(record, _load(k.module, SessionKeyStorage.nativeSlot(k.account, sessionId)), block.timestamp);
        uint256 gasWord = record & SessionKeyStorage.FLAG_BUDGETS_SLOT == 0 ? record : _budgets(k);
        info.gasSpend = GasSpendLimit.budget(record, gasWord, _keyListEntry(k), block.timestamp);
        info.requiredPaymaster = address(uint160(_load(k.module, SessionKeyStorage.paymasterSlot(k.account, sessionId))));
    }

    function _targetRule(Key memory k, address target, uint256 listWord) private view returns (TargetRule memory rule) {
        uint256 entry = _entry(k, target);
        rule.target = target;
        rule.isOnList = AccessList.onList(entry);
        rule.checkSelectors = AccessList.checksSelectors(entry);
        rule.selectors = _selectors(k, target, entry);
        rule.erc20Spend = Erc20SpendLimit.status(k.record, entry, listWord, block.timestamp);
    }

    /// @dev Every function entry: those in the entry, then those in the contract's selector list.
    function _selectors(Key memory k, address target, uint256 entry) private view returns (bytes4[] memory list) {
        bytes4[] memory inEntry = AccessList.entrySelectors(entry);
        uint256 extras = AccessList.extraCount(entry);
        list = new bytes4[](inEntry.length + extras);
        for (uint256 i; i < inEntry.length; ++i) {
            list[i] = inEntry[i];
        }
        uint256 group;
        for (uint256 place; place < extras; ++place) {
            if (place & 7 == 0) {
                group = _load(
                    k.module, SessionKeyStorage.selectorListSlot(k.account, k.record.sessionId(), target, place >> 3)
                );
            }
            list[inEntry.length + place] = AccessList.selectorInGroup(group, place);
        }
    }

    function _erc20(Key memory k, uint256 entry) private view returns (SpendLimitStatus memory) {
        uint256 listWord = entry & AccessList.BUDGET_LAYOUT == 0
            ? 0
            : _load(k.module, SessionKeyStorage.targetListSlot(k.account, k.record.sessionId(), TargetList.indexOf(entry)));
        return Erc20SpendLimit.status(k.record, entry, listWord, block.timestamp);
    }

    function _calls(Key memory k) private view returns (SpendLimitStatus memory) {
        uint256 budgets = k.record & SessionKeyStorage.FLAG_BUDGETS_SLOT == 0 ? 0 : _budgets(k);
        return CallLimit.status(k.record, budgets, block.timestamp);
    }

    function _entry(Key memory k, address target) private view returns (uint256) {
        return _load(k.module, SessionKeyStorage.targetSlot(k.account, k.record.sessionId(), target));
    }

    function _keyListEntry(Key memory k) private view returns (uint256) {
        return _load(k.module, SessionKeyStorage.keyListSlot(k.account, k.generation, k.record.index()));
    }

    function _budgets(Key memory k) private view returns (uint256) {
        return _load(k.module, SessionKeyStorage.opBudgetsSlot(k.account, k.record.sessionId()));
    }

    function _load(address module, uint256 slot) private view returns (uint256) {
        return uint256(ISessionKeyModule(module).extsload(bytes32(slot)));
    }
}
