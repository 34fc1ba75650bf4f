/** Push URLs as the control API, the journal, the log and the dashboard show them: no credential. */
import t from 'tap'
import { redactUrl } from '../../src/domain/push/formats.js'

t.test('user information and secret-looking query values are redacted, the rest kept', async (t) => {
  t.equal(redactUrl('http://127.0.0.1:8080/cb'), 'http://127.0.0.1:8080/cb', 'nothing to hide')
  t.equal(redactUrl('https://user:pa55@host:8443/cb?x=1'), 'https://[redacted]@host:8443/cb?x=1', 'user and password')
  t.equal(redactUrl('https://t0ken@host/cb'), 'https://[redacted]@host/cb', 'a token alone before the host')
  t.equal(redactUrl('http://host/cb?mail=a@b.c&token=abc'), 'http://host/cb?mail=a%40b.c&token=%5Bredacted%5D', 'an @ in the query is not user information')
  t.equal(redactUrl('http://host/a@b'), 'http://host/a@b', 'nor one in the path')
  t.equal(redactUrl('http://u:p@host?apikey=k'), 'http://[redacted]@host?apikey=%5Bredacted%5D', 'both at once')
})
