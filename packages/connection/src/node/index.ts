/** Node-only adapters of @seashell/connection. */
export {};
