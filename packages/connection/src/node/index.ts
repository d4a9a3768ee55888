export { type ChannelHost, ChannelStream, EXTENDED_DATA_STDERR } from './channel-stream.js';
