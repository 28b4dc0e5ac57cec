import type { Socket } from 'node:net';
import { type CopyStreamQuery, from as copyFrom } from 'pg-copy-streams';

/** The part of pg-copy-streams' query object that sends one CopyData message. */
interface CopyInternals {
  connection: { stream: Socket };
  flushChunk(chunk: Buffer): boolean;
}

const COPY_DATA = 0x64; // 'd'

/**
 * `COPY … FROM STDIN` as a writable to pass to `client.query()`: pg-copy-streams' own stream
 * (its protocol handling, errors and CopyFail on destroy unchanged), except that each CopyData
 * message leaves in ONE socket write. pg-copy-streams writes the 5-byte message header and the
 * data separately; with Nagle off each becomes a segment of its own, and the header alone wakes
 * the backend, which reads 5 bytes and sleeps again until the data arrives. Corking both writes
 * sends them as one writev (no copy of the data). Measured on 1M `users` rows as 200 chunk
 * COPYs in 4 sessions: client and server CPU both lower, the load 5–30 % faster.
 */
export function copyIn(sql: string): CopyStreamQuery {
  const query = copyFrom(sql);
  (query as unknown as CopyInternals).flushChunk = function (this: CopyInternals, chunk: Buffer): boolean {
    const socket = this.connection.stream;
    const header = Buffer.allocUnsafe(5);
    header[0] = COPY_DATA;
    header.writeUInt32BE(chunk.length + 4, 1);
    socket.cork();
    socket.write(header);
    const ok = socket.write(chunk);
    socket.uncork();
    return ok;
  };
  return query;
}
