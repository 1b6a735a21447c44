/** The Debian arm64 packages behind each artifact: the one place these names live. */
import type { DebianRelease } from './releases.ts';

/** Metapackage whose Depends names the current `linux-image-<release>-cloud-arm64`. */
export const KERNEL_METAPACKAGE = 'linux-image-cloud-arm64';
export const BUSYBOX_PACKAGE = 'busybox-static';
export const xenPackage = (r: DebianRelease): string => `xen-hypervisor-${r.xen}-arm64`;

/** Xen's tools and libraries live in this versioned folder (`bin/xl`, `bin/xenstored`, `bin/xen-init-dom0`). */
export const xenLibDir = (r: DebianRelease): string => `/usr/lib/xen-${r.xen}`;
export const xenToolsDir = (r: DebianRelease): string => `${xenLibDir(r)}/bin`;

/**
 * Roots of dom0's userland. Two are not reached through Depends, because on a normal system an
 * Essential package brings them: `bash` (Xen's hotplug scripts, `/etc/xen/scripts/vif-bridge` run by
 * `xl network-attach`, start with `#!/bin/bash`) and `libcom-err2` (libext2fs.so.2 links
 * libcom_err.so.2 but libext2fs2 does not declare it; e2fsprogs does).
 */
export const dom0RootPackages = (r: DebianRelease): string[] => [`xen-utils-${r.xen}`, 'xen-utils-common', 'xenstore-utils', 'dropbear-bin', 'bash', 'libcom-err2'];

/**
 * Dependencies left out of dom0, with why. None of them is used by xl, xenstored, xenconsoled,
 * the hotplug scripts or dropbear; busybox provides the shell utilities.
 */
export const DOM0_SKIPPED_PACKAGES: Record<string, string> = {
  python3: 'only for pygrub/xenmon-style Python tools, not xl or the daemons',
  udev: 'the initramfs uses devtmpfs; xl runs the vif hotplug scripts itself',
  ucf: 'conffile handling at install time only',
  'sysvinit-utils': 'helpers for /etc/init.d scripts; our /init replaces them',
  'lsb-base': 'helpers for /etc/init.d scripts; our /init replaces them',
  'base-files': 'the initramfs writes its own /etc files',
  debianutils: 'which/run-parts: busybox provides which',
  debconf: 'install-time configuration only',
  'debconf-2.0': 'install-time configuration only',
  adduser: 'install-time only',
};

/** Modules the domU may load on demand (`modprobe xen-netfront`). */
export const DOMU_MODULES = ['xen-netfront'];

/** Modules dom0's /init loads: Xen's device files and backends, the bridge, and the virtual board's NIC. */
export const DOM0_MODULES = [
  'xenfs',
  'xen-evtchn',
  'xen-gntdev',
  'xen-privcmd',
  'xen-netback',
  'bridge',
  'virtio_pci',
  'virtio_net',
];
