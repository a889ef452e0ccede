export { makeNatsStore, type NatsStoreOptions, natsStoreLayer } from "./store.js"
