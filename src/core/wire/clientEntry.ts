// Entry of the second bundle (dist/gatewayClient.js): undici is loaded only on the first request.
export { createGatewayClient } from './client';
