/**
 * The tmpfs's size in bytes: the model's `tmpfsBytes`, which the module's
 * fit step follows too, re-exported for the simulator's users.
 *
 * @module
 */
export { tmpfsBytes } from "@tmpfs-root/model";
