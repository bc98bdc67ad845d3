// SPDX-License-Identifier: MIT
pragma solidity 0.8.28;

import {PackedUserOperation} from "@openzeppelin/contracts/interfaces/IERC4337.sol";
import {Execution} from "@openzeppelin/contracts/interfaces/draft-IERC7579.sol";
import {LeashAccount} from "../../../src/account/LeashAccount.sol";
import {ISessionKeyModule} from "../../../src/session/interfaces/ISessionKeyModule.sol";
import {ISessionKeyPermissionUpdates as Updates} from "../../../src/session/interfaces/ISessionKeyPermissionUpdates.sol";
import {LeashTestBase, IEntryPointV08} from "../../utils/LeashTestBase.sol";

/// @dev Receives the calls session ops make to `pay(address,uint256,int256)` and logs each with the time it ran: the
/// invariants count what really happened, not what the handler believed.
contract PayLog {
    struct Paid {
        uint256 time;
        uint256 amount;
    }

    Paid[] internal _paid;

    fallback() external payable {
        uint256 amount;
        if (msg.data.length >= 68) amount = abi.decode(msg.data[36:68], (uint256));
        _paid.push(Paid(block.timestamp, amount));
    }

    function count() external view returns (uint256) {
        return _paid.length;
    }

    function paid(uint256 i) external view returns (Paid memory) {
        return _paid[i];
    }
}

/**
 * @dev Drives random session ops (batches of 1-3 calls to one call-limited, amount-limited function, through the real
 * EntryPoint), owner changes of both limits (same interval), and time jumps. Ghost: for each period of the key's grid
 * (anchor = the time the key was added, one day each), the largest call limit and argument limit in force at any time
 * in it. {CallPolicyInvariantTest} checks from {PayLog} that no period ever held more calls or a larger sum.
 */
contract CallPolicyHandler is LeashTestBase {
    bytes4 internal constant PAY = bytes4(keccak256("pay(address,uint256,int256)"));
    uint256 internal constant DAY = 1 days;

    ISessionKeyModule internal immutable module;
    LeashAccount internal immutable account;
    PayLog public immutable payLog;
    uint256 internal immutable keyPk;
    address internal immutable key;
    uint256 public immutable anchor;

    uint256 public callLimit;
    uint256 public argLimit;
    mapping(uint256 period => uint256) public maxCallLimitIn;
    mapping(uint256 period => uint256) public maxArgLimitIn;
    uint256 public accepted;
    uint256 public refused;

    constructor(IEntryPointV08 entryPoint_, address payable beneficiary_, ISessionKeyModule module_, LeashAccount account_)
    {
        entryPoint = entryPoint_;
        beneficiary = beneficiary_;
        module = module_;
        account = account_;
        payLog = new PayLog();
        (address key_, uint256 keyPk_) = makeAddrAndKey("policy-key");
        key = key_;
        keyPk = keyPk_;
        anchor = block.timestamp;
        callLimit = 5;
        argLimit = 1_000;
        bytes[] memory updates = new bytes[](4);
        updates[0] = abi.encodeCall(Updates.updateAccessListAddressEntry, (address(payLog), true, false));
        updates[1] = abi.encodeCall(Updates.removeGasSpendLimit, ());
        updates[2] = abi.encodeCall(Updates.setFunctionCallLimit, (address(payLog), PAY, callLimit, uint48(DAY)));
        updates[3] = abi.encodeCall(Updates.setArgumentSpendLimit, (address(payLog), PAY, 1, argLimit, uint48(DAY)));
        vm.prank(address(account));
        module.addSessionKey(key_, bytes32(0), updates);
        _note();
    }

    function periodOf(uint256 t) public view returns (uint256) {
        return (t - anchor) / DAY;
    }

    /// @dev The limits in force now count for the period of now.
    function _note() internal {
        uint256 p = periodOf(block.timestamp);
        if (callLimit > maxCallLimitIn[p]) maxCallLimitIn[p] = callLimit;
        if (argLimit > maxArgLimitIn[p]) maxArgLimitIn[p] = argLimit;
    }

    function op(uint256 seed) external {
        uint256 n = 1 + seed % 3;
        Execution[] memory calls = new Execution[](n);
        for (uint256 i; i < n; ++i) {
            uint256 amount = (seed >> (8 + 16 * i)) % 600;
            calls[i] = Execution(address(payLog), 0, abi.encodeWithSelector(PAY, address(0xA11CE), amount, int256(0)));
        }
        bytes memory callData = _executeBatch(calls);
        uint192 nonceKey = _nonceKey(address(module), 1);
        PackedUserOperation memory userOp = _userOp(address(account), entryPoint.getNonce(address(account), nonceKey), callData);
        (uint8 v, bytes32 r, bytes32 s) =
            vm.sign(keyPk, _sessionDigest(entryPoint.getUserOpHash(userOp), block.timestamp));
        userOp.signature = abi.encodePacked(uint32(block.timestamp), r, s, v);
        PackedUserOperation[] memory ops = new PackedUserOperation[](1);
        ops[0] = userOp;
        try entryPoint.handleOps(ops, beneficiary) {
            ++accepted;
        } catch {
            ++refused;
        }
    }

    function changeLimits(uint256 seed) external {
        callLimit = seed % 8;
        argLimit = (seed >> 8) % 1_500;
        bytes[] memory updates = new bytes[](2);
        updates[0] = abi.encodeCall(Updates.setFunctionCallLimit, (address(payLog), PAY, callLimit, uint48(DAY)));
        updates[1] = abi.encodeCall(Updates.setArgumentSpendLimit, (address(payLog), PAY, 1, argLimit, uint48(DAY)));
        vm.prank(address(account));
        module.updateKeyPermissions(key, updates);
        _note();
    }

    function warp(uint256 seed) external {
        vm.warp(block.timestamp + seed % (DAY + DAY / 2));
        _note();
    }
}
