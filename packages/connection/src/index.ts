/** @seashell/connection */
export {};
