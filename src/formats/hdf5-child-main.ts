/**
 * The HDF5 reading child (hdf5-isolate.ts starts it): reads each file it is sent into a plain tree and sends
 * the tree back. A damaged file that aborts the HDF5 library ends this process, which the parent reports and
 * replaces; it never takes the editor or the CLI with it.
 */
import { isUserError } from '../core/types';
import { readHdf5InProcess } from './hdf5';
import { applyLimitsEnv } from './limits';
import type { H5Reply, H5Request } from './hdf5-isolate';

process.on('message', (m: H5Request) => {
  applyLimitsEnv(m.limits);
  readHdf5InProcess(m.bytes, m.label, m.skip).then(
    (root) => process.send!({ id: m.id, root } satisfies H5Reply),
    (e: unknown) => {
      const error = isUserError(e) ? { message: e.message, hint: e.hint, code: e.code } : { message: `this .h5 file is damaged: ${m.label} stopped the HDF5 library (${String((e as Error)?.message ?? e).split('\n')[0]})`, code: 'h5-damaged' };
      process.send!({ id: m.id, error } satisfies H5Reply, () => {
        // After a native abort the library's state cannot be trusted: start afresh for the next file.
        if (!isUserError(e) || /Aborted|abort\(/.test(e.message)) process.exit(0);
      });
    },
  );
});
process.on('disconnect', () => process.exit(0));
