import { useEffect, useMemo, useState } from 'react';
import type { LocalGrant } from '../localGrants.js';

/** A grant just signed: its JSON to hand to the key's holder, to copy or download. */
export function IssuedGrant({ issued }: { issued: LocalGrant }) {
  const [copied, setCopied] = useState(false);
  const url = useMemo(() => URL.createObjectURL(new Blob([issued.json], { type: 'application/json' })), [issued.json]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  const copy = () =>
    void navigator.clipboard.writeText(issued.json).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  return (
    <div className="issued-grant" data-testid="issued-grant">
      <h3>Grant of {issued.grant.sessionKey}</h3>
      <p className="hint">
        Hand it to whoever holds the key (an app or an agent): its first operation carries it and enables the key. It holds no secret, but anyone with
        the key can use it until it is used, cancelled or revoked.
      </p>
      <textarea className="mono" readOnly rows={8} value={issued.json} aria-label="Grant JSON" />
      <div className="buttons">
        <button type="button" onClick={copy}>
          {copied ? 'Copied' : 'Copy JSON'}
        </button>
        <a className="button" href={url} download={`grant-${issued.grant.sessionKey}.json`}>
          Download grant.json
        </a>
      </div>
    </div>
  );
}
