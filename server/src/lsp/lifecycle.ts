import {
  type Connection,
  type ConnectionOptions,
  ErrorCodes,
  ExitNotification,
  InitializeRequest,
  LSPErrorCodes,
  Message,
  type RequestMessage,
  ResponseError,
  ShutdownRequest,
} from 'vscode-languageserver/node';

/**
 * The order LSP puts on a session ("Server lifecycle"): before `initialize` a request gets
 * ServerNotInitialized and a notification is dropped (but `exit`); after `shutdown` a request gets
 * InvalidRequest and only `exit` is still heard. vscode-languageserver dispatches every message
 * whenever it comes, so without this a hover before `initialize` was answered `null` and one after
 * `shutdown` was analysed as usual.
 */
export interface Lifecycle {
  /** Pass to `createConnection`: it sees each incoming message before the handlers do. */
  options: ConnectionOptions;
  /** Registers the handler that answers the refused requests; call once the connection exists. */
  attach(connection: Connection): void;
}

// A refused request is dispatched under this method instead of its own, so that the library
// answers it (with the error below, under the request's id) as it answers every request.
const REFUSED_REQUEST = 'meshLens/refusedRequest';

interface Refusal {
  code: number;
  message: string;
}

export function createLifecycle(): Lifecycle {
  let phase: 'starting' | 'running' | 'shutDown' = 'starting';

  const refusalOf = (request: RequestMessage): Refusal | undefined => {
    if (phase === 'shutDown')
      return { code: ErrorCodes.InvalidRequest, message: 'The server is shutting down.' };
    if (request.method === InitializeRequest.method) {
      if (phase === 'running')
        return { code: ErrorCodes.InvalidRequest, message: 'The server is already initialized.' };
      phase = 'running';
      return undefined;
    }
    if (phase === 'starting')
      return { code: ErrorCodes.ServerNotInitialized, message: 'The server is not initialized yet.' };
    if (request.method === ShutdownRequest.method) phase = 'shutDown';
    return undefined;
  };

  return {
    options: {
      // A request the client cancels before its turn came is answered RequestCancelled at once and
      // never runs (by default it ran anyway, and only a handler that looked at its token skipped).
      connectionStrategy: {
        cancelUndispatched: (message) => ({
          jsonrpc: message.jsonrpc,
          id: Message.isRequest(message) ? message.id : null,
          error: new ResponseError(LSPErrorCodes.RequestCancelled, 'The request was cancelled.').toJson(),
        }),
      },
      messageStrategy: {
        handleMessage(message, next) {
          if (Message.isRequest(message)) {
            const refusal = refusalOf(message);
            if (!refusal) return next(message);
            const refused: RequestMessage = {
              jsonrpc: message.jsonrpc,
              id: message.id,
              method: REFUSED_REQUEST,
              params: refusal,
            };
            return next(refused);
          }
          if (
            Message.isNotification(message) &&
            phase !== 'running' &&
            message.method !== ExitNotification.method
          )
            return;
          return next(message);
        },
      },
    },
    attach(connection) {
      connection.onRequest(
        REFUSED_REQUEST,
        (refusal: Refusal) => new ResponseError(refusal.code, refusal.message),
      );
    },
  };
}
