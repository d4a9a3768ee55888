/** @seashell/server */
export {};
