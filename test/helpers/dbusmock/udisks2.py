'''UDisks2 stand-in for python-dbusmock (its own templates have none in Debian's 0.28).

The ObjectManager at /org/freedesktop/UDisks2 with a Manager object, and Mock methods for tests:
AddRemovableDrive(name, label, size, mount_point) adds a drive and its block device with a mounted
filesystem (InterfacesAdded); SetMountPoint(name, mount_point) mounts or unmounts it ("" unmounts;
PropertiesChanged on MountPoints, as udisksd does); RemoveDrive(name) unplugs it (InterfacesRemoved).
Property names and types follow udisks2's org.freedesktop.UDisks2.xml.
'''

import dbus

from dbusmock import MOCK_IFACE

BUS_NAME = 'org.freedesktop.UDisks2'
MAIN_OBJ = '/org/freedesktop/UDisks2'
SYSTEM_BUS = True
IS_OBJECT_MANAGER = True

BLOCK = 'org.freedesktop.UDisks2.Block'
FILESYSTEM = 'org.freedesktop.UDisks2.Filesystem'
DRIVE = 'org.freedesktop.UDisks2.Drive'


def path_bytes(text):
    return dbus.Array([dbus.Byte(b) for b in text.encode('utf-8') + b'\0'], signature='y')


def load(mock, parameters):
    mock.AddObject(MAIN_OBJ + '/Manager', 'org.freedesktop.UDisks2.Manager',
                   {'Version': dbus.String('2.9.4')}, [])


@dbus.service.method(MOCK_IFACE, in_signature='sstsb', out_signature='')
def AddRemovableDrive(self, name, label, size, mount_point, removable):
    drive_path = f'{MAIN_OBJ}/drives/{name}'
    block_path = f'{MAIN_OBJ}/block_devices/{name}1'
    self.AddObject(drive_path, DRIVE, {
        'Vendor': dbus.String('SanDisk'),
        'Model': dbus.String('Cruzer Blade'),
        'Size': dbus.UInt64(size),
        'Removable': dbus.Boolean(removable),
        'MediaRemovable': dbus.Boolean(removable),
        'Ejectable': dbus.Boolean(removable),
        'ConnectionBus': dbus.String('usb' if removable else ''),
    }, [])
    self.object_manager_emit_added(drive_path)
    self.AddObject(block_path, BLOCK, {
        'Device': path_bytes(f'/dev/{name}1'),
        'PreferredDevice': path_bytes(f'/dev/{name}1'),
        'Size': dbus.UInt64(size),
        'IdLabel': dbus.String(label),
        'IdUsage': dbus.String('filesystem'),
        'IdType': dbus.String('vfat'),
        'Drive': dbus.ObjectPath(drive_path),
        'HintAuto': dbus.Boolean(removable),
        'HintIgnore': dbus.Boolean(False),
        'HintSystem': dbus.Boolean(not removable),
        'HintName': dbus.String(''),
    }, [])
    block = dbusmock.get_object(block_path)
    block.AddProperties(FILESYSTEM, {
        'MountPoints': dbus.Array([path_bytes(mount_point)] if mount_point else [], signature='ay'),
        'Size': dbus.UInt64(size),
    })
    self.object_manager_emit_added(block_path)


@dbus.service.method(MOCK_IFACE, in_signature='ss', out_signature='')
def SetMountPoint(self, name, mount_point):
    block = dbusmock.get_object(f'{MAIN_OBJ}/block_devices/{name}1')
    block.UpdateProperties(FILESYSTEM, {
        'MountPoints': dbus.Array([path_bytes(mount_point)] if mount_point else [], signature='ay'),
    })


@dbus.service.method(MOCK_IFACE, in_signature='s', out_signature='')
def RemoveDrive(self, name):
    for path in (f'{MAIN_OBJ}/block_devices/{name}1', f'{MAIN_OBJ}/drives/{name}'):
        self.object_manager_emit_removed(path)
        self.RemoveObject(path)


import dbusmock  # noqa: E402  (get_object is looked up when the methods run)
