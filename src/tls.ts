/** HTTPS like the real gateway (spec §0): the user's own PEM files, or a self-signed pair made at start. */
import { readFileSync } from 'node:fs'

export interface TlsMaterial { key: string, cert: string, selfSigned: boolean }

export async function tlsMaterial (certFile: string, keyFile: string, host: string): Promise<TlsMaterial> {
  if (certFile !== '' && keyFile !== '') {
    return { cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), selfSigned: false }
  }
  const altNames: Array<{ type: 2, value: string } | { type: 7, ip: string }> = [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }]
  if (host !== '' && host !== '0.0.0.0' && host !== '127.0.0.1' && host !== 'localhost') {
    altNames.push(/^[\d.]+$/.test(host) ? { type: 7, ip: host } : { type: 2, value: host })
  }
  // Loaded only when needed: the certificate libraries take longer to load than the whole mock.
  const { default: selfsigned } = await import('selfsigned')
  const pems = await selfsigned.generate([{ name: 'commonName', value: 'cc-gateway-mock' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames }]
  })
  return { cert: pems.cert, key: pems.private, selfSigned: true }
}
