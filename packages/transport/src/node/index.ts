/** Node-only adapters of @seashell/transport. */
export {};
