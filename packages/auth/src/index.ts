/** @seashell/auth */
export {};
