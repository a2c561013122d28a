// Shared helpers for peer.mjs and bench.mjs: node construction, JSON event
// output, and a small buffered reader over a libp2p v3 Stream.
import './polyfill.mjs'
import { createLibp2p } from 'libp2p'
import { tcp } from '@libp2p/tcp'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { generateKeyPair, generateKeyPairFromSeed } from '@libp2p/crypto/keys'

// One machine-readable JSON object per line on stdout.
export function emit (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

// Human diagnostics go to stderr.
export function diag (...args) {
  process.stderr.write(args.join(' ') + '\n')
}

export function hexToBytes (hex) {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new Error('--seed must be 64 hex chars (32 bytes)')
  return Uint8Array.from(hex.match(/../g), (b) => parseInt(b, 16))
}

// Minimal "--name value" / "--flag" parser; positional args are returned in `_`.
export function parseArgs (argv) {
  const args = { _: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) { args._.push(a); continue }
    const next = argv[i + 1]
    if (next === undefined || next.startsWith('--')) args[a.slice(2)] = true
    else { args[a.slice(2)] = next; i++ }
  }
  return args
}

// TCP + noise + yamux node with identify and ping services.
export async function createNode ({ seed, listen = [] } = {}) {
  const privateKey = seed
    ? await generateKeyPairFromSeed('Ed25519', hexToBytes(seed))
    : await generateKeyPair('Ed25519')
  return createLibp2p({
    privateKey,
    addresses: { listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: { identify: identify(), ping: ping() }
  })
}

// Run `onStop` once, on SIGTERM/SIGINT or (unless disabled) when stdin ends.
export function onShutdown (onStop, { watchStdin = true } = {}) {
  let called = false
  const once = () => { if (!called) { called = true; onStop() } }
  process.once('SIGTERM', once)
  process.once('SIGINT', once)
  if (watchStdin) {
    process.stdin.on('end', once)
    process.stdin.resume()
  }
}

const toBytes = (d) => (d instanceof Uint8Array ? d : d.subarray())

// Buffered reader over a Stream's 'message'/'end'/'close' events.
// read() -> next chunk or null at EOF; readExactly(n) -> n bytes, or null on a
// clean EOF before the first byte; throws on a truncated read or a reset.
export class Reader {
  constructor (stream) {
    this.chunks = []
    this.length = 0
    this.ended = stream.readableEnded
    this.error = null
    this.wake = null
    stream.addEventListener('message', (e) => {
      const b = toBytes(e.data)
      this.chunks.push(b)
      this.length += b.byteLength
      this.notify()
    })
    stream.addEventListener('end', () => { this.ended = true; this.notify() })
    stream.addEventListener('close', (e) => {
      if (e.error != null) this.error = e.error
      this.ended = true
      this.notify()
    })
  }

  notify () {
    const w = this.wake
    this.wake = null
    w?.()
  }

  async waitFor (n) {
    while (this.length < n && !this.ended && this.error == null) {
      await new Promise((resolve) => { this.wake = resolve })
    }
    if (this.error != null && this.length < n) throw this.error
  }

  async read () {
    await this.waitFor(1)
    if (this.length === 0) return null
    const b = this.chunks.shift()
    this.length -= b.byteLength
    return b
  }

  async readExactly (n) {
    await this.waitFor(n)
    if (this.length < n) {
      if (this.length === 0) return null
      throw new Error(`stream ended after ${this.length} of ${n} bytes`)
    }
    const out = new Uint8Array(n)
    let off = 0
    while (off < n) {
      const b = this.chunks[0]
      const take = Math.min(b.byteLength, n - off)
      out.set(b.subarray(0, take), off)
      off += take
      if (take === b.byteLength) this.chunks.shift()
      else this.chunks[0] = b.subarray(take)
    }
    this.length -= n
    return out
  }
}

// Send with backpressure: wait for 'drain' when the stream asks for it.
export async function send (stream, data) {
  if (!stream.send(data)) await stream.onDrain()
}
