/** Node-only adapters of @seashell/server. */
export {};
