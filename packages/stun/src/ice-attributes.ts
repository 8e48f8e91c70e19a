/** The ICE attributes of RFC 8445 §16.1. */
import { AttributeType } from './attribute-type.js';
import { flagCodec, u32Codec, u64Codec } from './attribute-codec.js';

/** PRIORITY: the priority of the peer-reflexive candidate this check would create. */
export const Priority = u32Codec(AttributeType.PRIORITY, 'PRIORITY');
/** USE-CANDIDATE: the controlling agent nominates this pair. */
export const UseCandidate = flagCodec(AttributeType.USE_CANDIDATE, 'USE-CANDIDATE');
/** ICE-CONTROLLED: the sender is controlled; the value is its 64-bit tie-breaker. */
export const IceControlled = u64Codec(AttributeType.ICE_CONTROLLED, 'ICE-CONTROLLED');
/** ICE-CONTROLLING: the sender is controlling; the value is its 64-bit tie-breaker. */
export const IceControlling = u64Codec(AttributeType.ICE_CONTROLLING, 'ICE-CONTROLLING');
