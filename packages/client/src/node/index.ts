/** Node-only adapters of @seashell/client. */
export {};
