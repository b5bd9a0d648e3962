export interface PortClaim {
  port: number;
  host: string;
  protocol: 'tcp' | 'udp';
  service: string;
  variable: string;
}
export function isTcpPortFree(port: number, host: string): Promise<boolean>;
export function isUdpPortFree(port: number, host: string): Promise<boolean>;
export function assertPortsFree(claims: PortClaim[]): Promise<void>;
export function portsInUseMessage(busy: PortClaim[]): string;
