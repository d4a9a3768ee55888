/** @seashell/client */
export {};
