/** Hand-written remote descriptions for the w3c/ msid tests: one audio section, and the lines a test adds. */

const FINGERPRINT = Array.from({ length: 32 }, () => '00').join(':');

/** A minimal audio section (ICE, fingerprint, setup, opus); `extra` lines go at its end. */
export function audioSection(extra: string[] = [], mid: string | null = '0'): string[] {
  return [
    'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:someufrag', 'a=ice-pwd:somelongpwdwithenoughrandomness', `a=fingerprint:sha-256 ${FINGERPRINT}`,
    'a=setup:actpass', ...(mid === null ? [] : [`a=mid:${mid}`]), 'a=sendrecv', 'a=rtcp-mux', 'a=rtpmap:111 opus/48000/2', ...extra,
  ];
}

/** A description of the given sections, optionally bundled. */
export function description(sections: string[][], bundle: string[] = []): string {
  const head = ['v=0', 'o=- 166855176514521964 2 IN IP4 127.0.0.1', 's=-', 't=0 0', ...(bundle.length > 0 ? [`a=group:BUNDLE ${bundle.join(' ')}`] : [])];
  return [...head, ...sections.flat(), ''].join('\r\n');
}
