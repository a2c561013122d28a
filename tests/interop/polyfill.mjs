// Node 20 lacks Promise.withResolvers (added in Node 22), which js-libp2p 3.x
// calls at runtime. Import this module before anything from libp2p.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers () {
    let resolve, reject
    const promise = new this((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}
