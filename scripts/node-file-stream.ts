/**
 * A file as a Web ReadableStream<Uint8Array>, for the settlement engine's Node entry points
 * (CLI, benchmark). Not `Readable.toWeb(createReadStream())`: toWeb counts its high-water
 * mark in chunks, not bytes, so with large chunks it reads far ahead and memory grows with
 * the file. This pulls one 1 MiB chunk at a time, only when the parser asks.
 */

import { open } from 'node:fs/promises';

export function fileStream(path: string, chunkSize = 1 << 20): ReadableStream<Uint8Array> {
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async start() {
        handle = await open(path, 'r');
      },
      async pull(controller) {
        const buffer = new Uint8Array(chunkSize);
        const { bytesRead } = await handle!.read(buffer, 0, chunkSize, null);
        if (bytesRead === 0) {
          await handle!.close();
          handle = undefined;
          controller.close();
          return;
        }
        controller.enqueue(bytesRead === chunkSize ? buffer : buffer.subarray(0, bytesRead));
      },
      async cancel() {
        await handle?.close();
        handle = undefined;
      },
    },
    { highWaterMark: 1 },
  );
}
