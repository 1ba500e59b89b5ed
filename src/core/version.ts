/**
 * The product version, from package.json: its one home. The bundler inlines the JSON import, so nothing is
 * read at run time.
 */
import { version } from '../../package.json';

export const PRODUCT_VERSION: string = version;
