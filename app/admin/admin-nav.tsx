'use client';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/admin/users', label: 'Users' },
  { href: '/admin/sessions', label: 'All sessions' },
  { href: '/admin/bookings', label: 'All bookings' },
  { href: '/admin/usage', label: 'Usage' },
  { href: '/admin/registration', label: 'Registration' },
  { href: '/admin/pool', label: 'Worker pool' },
  { href: '/admin/audit', label: 'Audit log' },
];

/** The admin area's own navigation, the current page marked for screen readers too. */
export function AdminNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="Admin" className="admin-nav">
      {LINKS.map((link) => (
        <a
          key={link.href}
          href={link.href}
          aria-current={pathname === link.href ? 'page' : undefined}
        >
          {link.label}
        </a>
      ))}
    </nav>
  );
}
