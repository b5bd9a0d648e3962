import { redirect } from 'next/navigation';
import { currentUser } from '@/lib/auth/current-user';

export default async function Home() {
  const user = await currentUser();
  if (user) redirect('/avatars');
  return (
    <div className="narrow card">
      <h1>Facecast</h1>
      <p>
        Real-time talking avatars: upload a portrait, start a live session, and type what the avatar
        should say. Viewers watch and chat in the browser.
      </p>
      <div className="row">
        <a className="button" href="/login">
          Log in
        </a>
        <a href="/register">Create an account</a>
      </div>
    </div>
  );
}
