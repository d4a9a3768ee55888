/** Node-only adapters of @seashell/auth. */
export {};
