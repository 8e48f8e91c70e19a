/**
 * The callback forms of createOffer, createAnswer, setLocalDescription, setRemoteDescription and
 * addIceCandidate (W3C WebRTC §4.4.3 "Legacy Interface Extensions"): the promise operation runs
 * as usual, its result goes to the success or the failure callback, and the method returns a
 * promise resolved with undefined.
 */
import { reportListenerError } from './event-target.js';
import type { RTCSessionDescriptionInit } from './session-description.js';

/** Gets the offer or answer of the legacy createOffer/createAnswer. */
export type RTCSessionDescriptionCallback = (description: RTCSessionDescriptionInit) => void;
/** Gets the exception a legacy operation failed with. */
export type RTCPeerConnectionErrorCallback = (error: DOMException | Error) => void;
/** Called when a legacy setLocalDescription, setRemoteDescription or addIceCandidate succeeded. */
export type RTCVoidCallback = () => void;

/**
 * WebIDL's conversion of the two callback arguments: each must be callable (TypeError otherwise,
 * which a promise-returning operation gives as a rejection).
 */
function checkCallbacks(success: unknown, failure: unknown, method: string): void {
  if (typeof success !== 'function') throw new TypeError(`${method}: the success callback is not a function`);
  if (typeof failure !== 'function') throw new TypeError(`${method}: the failure callback is not a function`);
}

/**
 * A legacy call: the callbacks are converted first (a TypeError rejects, and `run` never starts),
 * then `run`'s operation goes through the {@link legacy} steps.
 */
export function legacyCall<T>(method: string, success: unknown, failure: unknown, run: () => Promise<T>, withValue: boolean): Promise<void> {
  try {
    checkCallbacks(success, failure, method);
  } catch (e) {
    return Promise.reject(e);
  }
  return legacy(run(), success as (value: T) => void, failure as RTCPeerConnectionErrorCallback, withValue);
}

/**
 * Legacy steps 5–7: upon fulfillment of `p` the success callback gets its value (or nothing, for
 * the set and add operations), upon rejection the failure callback gets the reason; the caller
 * gets a promise resolved with undefined. A callback that throws is reported, as a browser
 * reports an exception of a callback it invoked, and the returned promise stays resolved.
 */
function legacy<T>(p: Promise<T>, success: (value: T) => void, failure: RTCPeerConnectionErrorCallback, withValue: boolean): Promise<void> {
  p.then(
    (value) => invoke(() => (withValue ? success(value) : (success as () => void)())),
    (reason: unknown) => invoke(() => failure(reason as DOMException)),
  );
  return Promise.resolve(undefined);
}

function invoke(callback: () => void): void {
  try {
    callback();
  } catch (e) {
    reportListenerError(e, 'callback');
  }
}
